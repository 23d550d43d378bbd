import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { filterFromQuery, FilterQueryError, type EventFilter } from '@das/core';
import { LIVE_MAX_RATE, LIVE_MAX_TEXT_CHARS, LIVE_MIN_TEXT_CHARS, LiveClientFrameSchema, workerRoutes, type LiveServerFrame, type WorkerStatus } from '@das/contracts';
import { Value } from 'typebox/value';
import type { LiveHub, LiveLimits } from '../live/live-hub.js';

type Query = Record<string, string | string[] | undefined>;

/** The filter query minus the token (browsers pass the token as a query parameter) and the subscription's limits. */
function filterQuery(query: Query): Query {
  const { token: _token, maxRate: _maxRate, intervalMs: _intervalMs, maxTextChars: _maxTextChars, ...rest } = query;
  return rest;
}

/** An integer query parameter within [min, max], or a FilterQueryError naming it. */
function integerOf(query: Query, param: string, min: number, max: number): number | undefined {
  const value = query[param];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (Array.isArray(value) || !Number.isInteger(n) || n < min || n > max) throw new FilterQueryError(param, `must be an integer from ${min} to ${max}`);
  return n;
}

/** `maxRate` (1 to LIVE_MAX_RATE events/s), `intervalMs` (100 to 5000) and `maxTextChars` of the query. */
function limitsOf(query: Query): LiveLimits {
  return {
    maxRate: integerOf(query, 'maxRate', 1, LIVE_MAX_RATE),
    intervalMs: integerOf(query, 'intervalMs', 100, 5000),
    maxTextChars: integerOf(query, 'maxTextChars', LIVE_MIN_TEXT_CHARS, LIVE_MAX_TEXT_CHARS),
  };
}

/**
 * `GET /events/live` (WebSocket): the filter comes from the query parameters of `GET /events`
 * and can be replaced by `{"type":"subscribe","filter":{…},"maxRate":n,"intervalMs":n,"maxTextChars":n}`;
 * events arrive as batched frames, at most `maxRate` per second (a sample beyond it, with the
 * counts of what matched), a frame at most every `intervalMs`, texts cut to `maxTextChars`.
 */
export const liveRoutes: FastifyPluginAsync<{ hub: LiveHub; status: () => WorkerStatus }> = async (app, { hub, status }) => {
  /** One live client: its filter from the query, replaced by `subscribe` frames; events as batched frames. */
  function serveLiveSocket(socket: WebSocket, request: FastifyRequest) {
    const send = (frame: LiveServerFrame) => socket.send(JSON.stringify(frame));
    let filter: EventFilter;
    let limits: LiveLimits;
    try {
      filter = filterFromQuery(filterQuery(request.query as Query));
      limits = limitsOf(request.query as Query);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send({ type: 'error', code: error instanceof FilterQueryError ? error.code : 'INVALID_FILTER', message });
      socket.close(1008, 'invalid filter');
      return;
    }
    const client = hub.addClient(socket, filter, limits);
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
        client.setFilter(filterFromQuery(frame.filter as Query), { maxRate: frame.maxRate, intervalMs: frame.intervalMs, maxTextChars: frame.maxTextChars });
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
