import Fastify from 'fastify';
import cors from '@fastify/cors';
import websocket from '@fastify/websocket';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  LIVE_SUBPROTOCOL,
  routeSchema,
  workerRoutes,
  type DeadLetterReplayQuery,
  type DeadLetterReplayResult,
  type WorkerStatus,
  type Fleet,
} from '@das/contracts';
import { bearerAuth, clientErrorHandler, errorHandler, loggerOptions, sendError } from '@das/server-kit';
import type { Registry } from 'prom-client';
import type { LiveHub } from '../live/live-hub.js';
import type { EventStore } from '../store/event-store.js';
import { eventRoutes } from './event-routes.js';
import { liveRoutes } from './live-routes.js';
import { alertRoutes, type AlertRuleAdmin } from './alert-routes.js';
import type { LoadedRule } from '../alerts/alert-rules.js';
import { createAlertHub, type AlertHub } from '../live/alert-hub.js';
import { workerErrors } from './worker-errors.js';
import { planReplay } from '../dead-letters/replay-dead-letters.js';
import { replayIds } from '../dead-letters/dead-letter-service.js';

/** The worker takes no request bodies; anything larger than this is refused with 413. */
const BODY_LIMIT_BYTES = 64 * 1024;

export interface WorkerAppOptions {
  token: string;
  store: EventStore;
  hub: LiveHub;
  registry: Registry;
  status: () => WorkerStatus;
  /** The fleet's workers and leases (`GET /fleet`). */
  fleet: () => Promise<Fleet>;
  ready: () => boolean;
  corsOrigins: readonly string[];
  logLevel?: string;
  /** Decrypts dead letters again; null when no activity stream is located (its resource id is needed). */
  replayDeadLetters?: (query: DeadLetterReplayQuery) => Promise<DeadLetterReplayResult | null>;
  /** The alert rules evaluated (`GET /alert-rules`, dry runs); none when alerts are off. */
  alertRules?: () => readonly LoadedRule[];
  /** Turns a rule on or off (absent when alerts are off). */
  /** Changes the alert rules (absent when alerts are off). */
  alertRuleAdmin?: AlertRuleAdmin;
  /** Where stored alerts go live (`/alerts/live`). */
  alertHub?: AlertHub;
  /** Where logs go (default stdout); tests capture them. */
  logStream?: { write(line: string): void };
}

/** The worker's HTTP side (query API, live WebSocket, metrics, health). Never listens by itself. */
export async function buildWorkerApp(options: WorkerAppOptions) {
  const app = Fastify({
    logger: { ...loggerOptions({ level: options.logLevel ?? 'info' }), ...(options.logStream === undefined ? {} : { stream: options.logStream }) },
    // Shutdown must not wait for clients that hold connections open (refused upgrades, stuck readers).
    forceCloseConnections: true,
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: (error, request, reply) => sendError(request, reply, error, workerErrors),
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox checks, as the API's: query and params converted from strings, then checked exactly.
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  await app.register(errorHandler, workerErrors);

  await app.register(cors, { origin: [...options.corsOrigins], methods: ['GET', 'POST'] });
  // A refused WebSocket upgrade keeps its half-open socket (outside HTTP keep-alive tracking) and
  // would hold shutdown forever: close it once the error response is out.
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers.upgrade !== undefined && reply.statusCode >= 400) request.raw.socket?.destroy();
  });
  await app.register(bearerAuth, { token: options.token, publicPaths: ['/healthz', '/readyz'], queryTokenPaths: ['/events/live', '/alerts/live'] });
  await app.register(websocket, {
    options: {
      maxPayload: 64 * 1024,
      // A browser that offered subprotocols (`das.v1` plus `das.bearer.<token>`, the token kept out
      // of the URL) needs one of them chosen, or it drops the connection; never echo the token.
      handleProtocols: (protocols: Set<string>) => (protocols.has(LIVE_SUBPROTOCOL) ? LIVE_SUBPROTOCOL : false),
    },
    // A client that stopped reading would hold a graceful close forever: give it a second.
    preClose(done) {
      const server = app.websocketServer;
      for (const client of server.clients) client.close(1001, 'worker stopping');
      const timer = setTimeout(() => {
        for (const client of server.clients) client.terminate();
      }, 1000);
      server.close(() => {
        clearTimeout(timer);
        done();
      });
    },
  });

  const routes = workerRoutes;
  app.get(routes.health.path, { schema: routeSchema(routes.health, 'system', 'The process is up'), logLevel: 'warn' }, async () => ({ ok: true }));
  app.get(
    routes.readiness.path,
    { schema: { ...routeSchema(routes.readiness, 'system', 'Consuming or waiting for a stream'), response: { 200: routes.readiness.response, 503: routes.readiness.response } } },
    async (_request, reply) => {
      const ready = options.ready();
      return reply.code(ready ? 200 : 503).send({ ready, state: options.status().state });
    },
  );
  app.get(routes.status.path, { schema: routeSchema(routes.status, 'system', 'Stream, shards, lag, rates, counts') }, async () => options.status());
  app.get(routes.fleet.path, { schema: routeSchema(routes.fleet, 'system', 'Workers sharing the stream, shard leases, lag per shard, events/s per worker') }, async () => options.fleet());
  app.get(routes.metrics.path, async (_request, reply) => {
    reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
  app.post(
    routes.replayDeadLetters.path,
    { schema: routeSchema(routes.replayDeadLetters, 'dead-letters', 'Decrypt dead letters again') },
    async (request, reply) => {
      const result = (await options.replayDeadLetters?.(request.query)) ?? null;
      if (result === null) {
        return reply.code(409).send({ code: 'NO_ACTIVITY_STREAM', message: 'dead letters are decrypted with the running stream\'s resource id: wait until the worker is consuming' });
      }
      request.log.info({ ...result }, 'dead letters replayed');
      return result;
    },
  );
  app.get(
    routes.deadLetterReplayPlan.path,
    { schema: routeSchema(routes.deadLetterReplayPlan, 'dead-letters', 'What a replay would take: letters and KMS calls, to confirm it first') },
    async (request) => planReplay({ store: options.store, reason: request.query.reason, ids: replayIds(request.query), limit: request.query.limit ?? 10_000 }),
  );
  await app.register(eventRoutes, { store: options.store });
  await app.register(liveRoutes, { hub: options.hub, status: options.status });
  await app.register(alertRoutes, { store: options.store, rules: options.alertRules ?? (() => []), hub: options.alertHub ?? createAlertHub(), ruleAdmin: options.alertRuleAdmin });
  return app;
}

export type WorkerApp = Awaited<ReturnType<typeof buildWorkerApp>>;
