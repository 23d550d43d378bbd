import { apiRoutes, STATUS_ERROR_EVENT_NAME, STATUS_EVENT_NAME, routeSchema } from '@das/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AwsClients } from '../aws-clients.js';
import { getCluster, listClusters, startActivityStream, stopActivityStream } from '../services/clusters.js';
import { watchActivityStream } from '../services/status-watch.js';
import { loggableError, toErrorResponse } from '../plugins/error-handler.js';

export interface ClusterRoutesOptions {
  rds: AwsClients['rds'];
  /** How often the status stream polls DescribeDBClusters. */
  statusPollMs?: number;
  /** A comment line this often keeps proxies from closing a quiet status stream. */
  heartbeatMs?: number;
}

function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Clusters and their activity streams, plus a server-sent status stream so nobody polls by hand. */
export const clusterRoutes: FastifyPluginAsyncTypebox<ClusterRoutesOptions> = async (app, { rds, statusPollMs = 500, heartbeatMs = 15_000 }) => {
  const r = apiRoutes;
  app.get('/clusters', { schema: routeSchema(r.listClusters, 'clusters', 'Aurora clusters with their activity stream') }, async () => ({
    clusters: await listClusters(rds),
  }));
  app.get('/clusters/:id', { schema: routeSchema(r.getCluster, 'clusters', 'One cluster') }, async (request) => getCluster(rds, request.params.id));
  app.post('/clusters/:id/activity-stream', { schema: routeSchema(r.startActivityStream, 'clusters', 'Start the activity stream') }, async (request, reply) =>
    reply.code(202).send(await startActivityStream(rds, request.params.id, request.body)),
  );
  app.delete('/clusters/:id/activity-stream', { schema: routeSchema(r.stopActivityStream, 'clusters', 'Stop the activity stream') }, async (request, reply) =>
    reply.code(202).send(await stopActivityStream(rds, request.params.id, request.body ?? {})),
  );

  const statusSchema = routeSchema(r.clusterStatusEvents, 'clusters', 'Server-sent `event: status` frames until started/stopped');
  app.get(
    '/clusters/:id/status-events',
    {
      schema: {
        ...statusSchema,
        response: { ...statusSchema.response, 200: { content: { 'text/event-stream': { schema: r.clusterStatusEvents.response } } } },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      // The first read answers 404 etc. in the normal error shape, before the stream starts.
      const first = await getCluster(rds, id);
      const stop = new AbortController();
      request.raw.on('close', () => stop.abort());
      reply.hijack();
      reply.raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), heartbeatMs);
      let firstRead: typeof first | undefined = first;
      try {
        const events = watchActivityStream({
          describe: async (signal) => {
            const cluster = firstRead ?? (await getCluster(rds, id, { abortSignal: signal }));
            firstRead = undefined;
            return cluster;
          },
          intervalMs: statusPollMs,
          timeoutMs: (request.query.timeoutSeconds ?? 900) * 1000,
          signal: stop.signal,
        });
        for await (const event of events) reply.raw.write(sseFrame(STATUS_EVENT_NAME, event));
      } catch (error) {
        if (!stop.signal.aborted) {
          const { body, unexpected } = toErrorResponse(error);
          if (unexpected) request.log.error({ failure: loggableError(error) }, 'status stream failed');
          reply.raw.write(sseFrame(STATUS_ERROR_EVENT_NAME, body));
        }
      } finally {
        clearInterval(heartbeat);
        reply.raw.end();
      }
    },
  );
};
