import Fastify, { type FastifyError } from 'fastify';
import cors from '@fastify/cors';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { FilterQueryError } from '@das/core';
import {
  DeadLetterReplayQuerySchema,
  DeadLetterReplayResultSchema,
  ErrorBodySchema,
  WorkerStatusSchema,
  type DeadLetterReplayQuery,
  type DeadLetterReplayResult,
  type WorkerStatus,
} from '@das/contracts';
import { bearerAuth, loggerOptions } from '@das/server-kit';
import type { Registry } from 'prom-client';
import type { LiveHub } from '../live/live-hub.js';
import { CursorError, type EventStore } from '../store/event-store.js';
import { eventRoutes } from './event-routes.js';
import { liveRoutes } from './live-routes.js';

export interface WorkerAppOptions {
  token: string;
  store: EventStore;
  hub: LiveHub;
  registry: Registry;
  status: () => WorkerStatus;
  ready: () => boolean;
  corsOrigins: readonly string[];
  logLevel?: string;
  /** Decrypts dead letters again; null when no activity stream is located (its resource id is needed). */
  replayDeadLetters?: (query: DeadLetterReplayQuery) => Promise<DeadLetterReplayResult | null>;
  /** Where logs go (default stdout); tests capture them. */
  logStream?: { write(line: string): void };
}

/** The worker's HTTP side (query API, live WebSocket, metrics, health). Never listens by itself. */
export async function buildWorkerApp(options: WorkerAppOptions) {
  const app = Fastify({
    logger: { ...loggerOptions({ level: options.logLevel ?? 'info' }), ...(options.logStream === undefined ? {} : { stream: options.logStream }) },
    // Shutdown must not wait for clients that hold connections open (refused upgrades, stuck readers).
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof FilterQueryError) {
      return reply.code(400).send({ code: error.code, message: error.message, field: `/querystring/${error.param}` });
    }
    if (error instanceof CursorError) return reply.code(400).send({ code: error.code, message: error.message, field: '/querystring/cursor' });
    if (error.validation !== undefined) {
      return reply.code(400).send({ code: 'VALIDATION_FAILED', message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(error.statusCode ?? 500).send({ code: 'INTERNAL', message: 'the worker could not answer; see its log' });
  });

  await app.register(cors, { origin: [...options.corsOrigins], methods: ['GET', 'POST'] });
  // A refused WebSocket upgrade keeps its half-open socket (outside HTTP keep-alive tracking) and
  // would hold shutdown forever: close it once the error response is out.
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers.upgrade !== undefined && reply.statusCode >= 400) request.raw.socket?.destroy();
  });
  await app.register(bearerAuth, { token: options.token, publicPaths: ['/healthz', '/readyz'], queryTokenPaths: ['/events/live'] });
  await app.register(websocket, {
    options: { maxPayload: 64 * 1024 },
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

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const ready = options.ready();
    return reply.code(ready ? 200 : 503).send({ ready, state: options.status().state });
  });
  app.get('/status', { schema: { response: { 200: WorkerStatusSchema } } }, async () => options.status());
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
  app.post(
    '/dead-letters/replay',
    { schema: { querystring: DeadLetterReplayQuerySchema, response: { 200: DeadLetterReplayResultSchema, 409: ErrorBodySchema } } },
    async (request, reply) => {
      const result = (await options.replayDeadLetters?.(request.query)) ?? null;
      if (result === null) {
        return reply.code(409).send({ code: 'NO_ACTIVITY_STREAM', message: 'dead letters are decrypted with the running stream\'s resource id: wait until the worker is consuming' });
      }
      request.log.info({ ...result }, 'dead letters replayed');
      return result;
    },
  );
  await app.register(eventRoutes, { store: options.store });
  await app.register(liveRoutes, { hub: options.hub, status: options.status });
  return app;
}

export type WorkerApp = Awaited<ReturnType<typeof buildWorkerApp>>;
