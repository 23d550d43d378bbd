import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { filterFromQuery, FilterQueryError, type EventFilter } from '@das/core';
import { LiveClientFrameSchema, workerRoutes, type LiveServerFrame, type WorkerStatus } from '@das/contracts';
import { Value } from 'typebox/value';
import type { LiveHub } from '../live/live-hub.js';

type Query = Record<string, string | string[] | undefined>;

/** The filter query minus the token (browsers pass the token as a query parameter). */
function filterQuery(query: Query): Query {
  const { token: _token, ...rest } = query;
  return rest;
}

/**
 * `GET /events/live` (WebSocket): the filter comes from the query parameters of `GET /events`
 * and can be replaced by `{"type":"subscribe","filter":{…}}`; events arrive as batched frames.
 */
export const liveRoutes: FastifyPluginAsync<{ hub: LiveHub; status: () => WorkerStatus }> = async (app, { hub, status }) => {
  /** One live client: its filter from the query, replaced by `subscribe` frames; events as batched frames. */
  function serveLiveSocket(socket: WebSocket, request: FastifyRequest) {
    const send = (frame: LiveServerFrame) => socket.send(JSON.stringify(frame));
    let filter: EventFilter;
    try {
      filter = filterFromQuery(filterQuery(request.query as Query));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send({ type: 'error', code: error instanceof FilterQueryError ? error.code : 'INVALID_FILTER', message });
      socket.close(1008, 'invalid filter');
      return;
    }
    const client = hub.addClient(socket, filter);
    send({ type: 'status', status: status() });
    socket.on('message', (data: Buffer) => {
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString('utf8'));
      } catch {
        send({ type: 'error', code: 'FRAME_NOT_JSON', message: 'frames must be JSON' });
        return;
      }
      if (!Value.Check(LiveClientFrameSchema, frame)) {
        send({ type: 'error', code: 'FRAME_INVALID', message: 'expected {"type":"subscribe","filter":{…}}' });
        return;
      }
      try {
        client.setFilter(filterFromQuery(frame.filter as Query));
        send({ type: 'subscribed', filter: frame.filter });
      } catch (error) {
        send({ type: 'error', code: error instanceof FilterQueryError ? error.code : 'INVALID_FILTER', message: error instanceof Error ? error.message : String(error) });
      }
    });
    socket.on('close', () => client.remove());
    socket.on('error', () => client.remove());
  }

  app.route({
    method: 'GET',
    url: workerRoutes.liveEvents.path,
    // A plain GET (no upgrade) gets the one error body, not the plugin's empty 404.
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').send({ code: 'UPGRADE_REQUIRED', message: '/events/live is a WebSocket: connect with Upgrade: websocket' }),
    wsHandler: serveLiveSocket,
  });
};
