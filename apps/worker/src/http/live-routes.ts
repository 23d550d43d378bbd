import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { filterFromQuery, FilterQueryError, type EventFilter } from '@das/core';
import { LIVE_MAX_RATE, LiveClientFrameSchema, workerRoutes, type LiveServerFrame, type WorkerStatus } from '@das/contracts';
import { Value } from 'typebox/value';
import type { LiveHub } from '../live/live-hub.js';

type Query = Record<string, string | string[] | undefined>;

/** The filter query minus the token (browsers pass the token as a query parameter) and the rate cap. */
function filterQuery(query: Query): Query {
  const { token: _token, maxRate: _maxRate, ...rest } = query;
  return rest;
}

/** `maxRate` of the query: an integer from 1 to LIVE_MAX_RATE, or a FilterQueryError. */
function maxRateOf(query: Query): number | undefined {
  const value = query.maxRate;
  if (value === undefined || value === '') return undefined;
  const rate = Number(value);
  if (Array.isArray(value) || !Number.isInteger(rate) || rate < 1 || rate > LIVE_MAX_RATE) {
    throw new FilterQueryError('maxRate', `must be an integer from 1 to ${LIVE_MAX_RATE}`);
  }
  return rate;
}

/**
 * `GET /events/live` (WebSocket): the filter comes from the query parameters of `GET /events`
 * and can be replaced by `{"type":"subscribe","filter":{…},"maxRate":n}`; events arrive as batched
 * frames, at most `maxRate` per second (a sample beyond it, with the counts of what matched).
 */
export const liveRoutes: FastifyPluginAsync<{ hub: LiveHub; status: () => WorkerStatus }> = async (app, { hub, status }) => {
  /** One live client: its filter from the query, replaced by `subscribe` frames; events as batched frames. */
  function serveLiveSocket(socket: WebSocket, request: FastifyRequest) {
    const send = (frame: LiveServerFrame) => socket.send(JSON.stringify(frame));
    let filter: EventFilter;
    let maxRate: number | undefined;
    try {
      filter = filterFromQuery(filterQuery(request.query as Query));
      maxRate = maxRateOf(request.query as Query);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send({ type: 'error', code: error instanceof FilterQueryError ? error.code : 'INVALID_FILTER', message });
      socket.close(1008, 'invalid filter');
      return;
    }
    const client = hub.addClient(socket, filter, maxRate);
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
        client.setFilter(filterFromQuery(frame.filter as Query), frame.maxRate);
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
