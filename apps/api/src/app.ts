import cors from '@fastify/cors';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { clientErrorHandler, errorHandler, loggerOptions } from '@das/server-kit';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createAwsClients, type AwsClients } from './aws-clients.js';
import type { ApiConfig } from './config.js';
import auth from './plugins/auth.js';
import consoleStatic from './plugins/console-static.js';
import { apiErrors, sendFrameworkError } from './plugins/error-handler.js';
import openapi from './plugins/openapi.js';
import { clusterRoutes } from './routes/clusters.routes.js';
import { keyRoutes } from './routes/keys.routes.js';
import { loadRunRoutes } from './routes/load-runs.routes.js';
import { systemRoutes } from './routes/system.routes.js';

/** Largest request body accepted: every body of this API is a few hundred bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface BuildAppOptions {
  /** AWS clients; by default built from config. Tests inject stubs. */
  aws?: AwsClients;
  /** Where pino writes (tests capture it); by default stdout. */
  logStream?: NodeJS.WritableStream;
  statusPollMs?: number;
  statusHeartbeatMs?: number;
  readyTimeoutMs?: number;
}

/** Builds the control API; never listens (server.ts does). */
export async function buildApp(config: ApiConfig, options: BuildAppOptions = {}) {
  const aws = options.aws ?? createAwsClients(config);
  const logger: FastifyServerOptions['logger'] = {
    ...loggerOptions({ level: config.logLevel }),
    ...(options.logStream ? { stream: options.logStream } : {}),
  } as FastifyServerOptions['logger'];
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    // A caller's x-request-id is kept when it is a plain, short token; anything else gets a UUID.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 2048 },
    frameworkErrors: sendFrameworkError,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // TypeBox checks: params and query are converted from strings, bodies are taken as sent (no coercion).
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON only: anything else (text/plain included) is 415 in the one error shape.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // Routes whose body is optional (DELETE, cancel) validate `{}` when none was sent.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
  app.addHook('onClose', async () => aws.destroy());

  await app.register(errorHandler, apiErrors);
  await app.register(cors, { origin: config.consoleOrigins, credentials: false, maxAge: 600, methods: ['GET', 'POST', 'DELETE'] });
  await app.register(auth, { token: config.token });
  await app.register(openapi);
  await app.register(systemRoutes, {
    aws,
    workerUrl: config.workerUrl,
    ...(config.aws.endpoint === undefined ? {} : { emulatorEndpoint: config.aws.endpoint }),
    ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
  });
  await app.register(keyRoutes, { kms: aws.kms });
  await app.register(clusterRoutes, {
    rds: aws.rds,
    ...(options.statusPollMs ? { statusPollMs: options.statusPollMs } : {}),
    ...(options.statusHeartbeatMs ? { heartbeatMs: options.statusHeartbeatMs } : {}),
  });
  await app.register(loadRunRoutes, { ssm: aws.ssm, defaults: { loadDocument: config.loadDocument, loadInstanceId: config.loadInstanceId } });
  if (config.consoleDir) await app.register(consoleStatic, { dir: config.consoleDir });
  return app;
}

export type ApiApp = Awaited<ReturnType<typeof buildApp>>;
