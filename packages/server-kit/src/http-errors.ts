import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The one error body of the API and the worker (`ErrorBodySchema` in @das/contracts). */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  awsCode?: string;
}

/** What an error becomes on the wire. `unexpected` errors are logged with their stack frames. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  retryAfterSeconds?: number | undefined;
  unexpected: boolean;
}

/** Fastify's own client errors, by code, with the reason code we answer. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (content-type: application/json)' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (content-type: application/json)' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (content-type: application/json)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'CONTENT_LENGTH_MISMATCH', message: 'content-length does not match the body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'VALIDATION_FAILED', message: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: 'the body is not valid JSON' },
  FST_ERR_CTP_INSTANCE_ALREADY_STARTED: { status: 400, code: 'BAD_REQUEST', message: 'the request could not be read' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', message: 'the URL is not valid' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URI_TOO_LONG', message: 'a path parameter is too long' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'BAD_REQUEST', message: 'the request could not be routed' },
};

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** The most telling issue: TypeBox reports `schema is false` before the additionalProperties one. */
function firstIssue(error: FastifyError): ValidationIssue | undefined {
  const issues = error.validation ?? [];
  return issues.find((issue) => issue.keyword !== 'boolean') ?? issues[0];
}

/** `/body/alias` from a validation issue: context plus the instance path (or the missing/extra property). */
function validationField(error: FastifyError, issue: ValidationIssue | undefined): string | undefined {
  if (!issue) return undefined;
  const params = (issue.params ?? {}) as { missingProperty?: string; requiredProperties?: string[]; additionalProperties?: string[] };
  const property = params.missingProperty ?? params.requiredProperties?.[0] ?? params.additionalProperties?.[0];
  return `/${error.validationContext ?? 'body'}${issue.instancePath ?? ''}${property ? `/${property}` : ''}`;
}

/**
 * The response for errors any Fastify server meets: schema validation, Fastify's own client errors
 * (bad content type, body too large, length mismatch, bad JSON, bad URL), and other 4xx. Anything
 * else is a 500 with `internalMessage` and no detail of the error.
 */
export function describeRequestError(error: unknown, internalMessage: string): ErrorResponse {
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) {
    const issue = firstIssue(fastifyError);
    const field = validationField(fastifyError, issue);
    const detail = issue?.message ?? 'is invalid';
    return { status: 400, body: { code: 'VALIDATION_FAILED', message: `${field ?? 'request'} ${detail}`, ...(field ? { field } : {}) }, unexpected: false };
  }
  const known = fastifyError?.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return { status: known.status, body: { code: known.code, message: known.message }, unexpected: false };
  if (error instanceof SyntaxError || fastifyError?.statusCode === 400) {
    return { status: 400, body: { code: 'BAD_REQUEST', message: 'the request could not be read' }, unexpected: false };
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { code: 'BAD_REQUEST', message: fastifyError.message || 'bad request' }, unexpected: false };
  }
  return { status: 500, body: { code: 'INTERNAL', message: internalMessage }, unexpected: true };
}

/**
 * What is logged of an unexpected error: its name, code and stack frames. The message is left
 * out on purpose: it may quote a password, a token or SQL text from the input or from AWS.
 */
export function loggableError(error: unknown): { type: string; code?: string; frames: string[] } {
  const e = error as { name?: string; code?: unknown; stack?: string };
  return {
    type: typeof e?.name === 'string' ? e.name : typeof error,
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    frames: (e?.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 15).map((line) => line.trim()),
  };
}

export interface ErrorHandlerOptions {
  /** The server's own errors (typed, AWS); undefined leaves the error to {@link describeRequestError}. */
  mapError?: (error: unknown) => ErrorResponse | undefined;
  /** The 500 message: where to look (the log, with the request id). */
  internalMessage: string;
}

/** Maps any error to its status and the one error body. */
export function toErrorResponse(error: unknown, options: ErrorHandlerOptions): ErrorResponse {
  return options.mapError?.(error) ?? describeRequestError(error, options.internalMessage);
}

/** Sends an error in the one shape, logging unexpected ones without their message. */
export async function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown, options: ErrorHandlerOptions) {
  const { status, body, retryAfterSeconds, unexpected } = toErrorResponse(error, options);
  if (unexpected) request.log.error({ failure: loggableError(error) }, 'unexpected error');
  else request.log.info({ status, code: body.code, awsCode: body.awsCode }, 'request failed');
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.ceil(retryAfterSeconds)));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/**
 * One error handler for a server: every error, Fastify's included, becomes `{code, message, field?,
 * awsCode?}` with a specific code; unknown routes are 404 `NOT_FOUND`. Pass `frameworkErrors` of the
 * Fastify options to {@link sendError} too, for the errors raised before routing.
 */
export const errorHandler = fp<ErrorHandlerOptions>(
  async (app: FastifyInstance, options) => {
    app.setErrorHandler(async (error, request, reply) => sendError(request, reply, error, options));
    // Refused before its body was read (too large, no route, no token): read the rest first, so the
    // client, still uploading, gets the answer instead of a reset connection.
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode >= 400 && !request.raw.complete && !request.raw.readableEnded && !request.raw.destroyed) {
        if (!(await drainRequest(request.raw))) void reply.header('connection', 'close');
      }
      return payload;
    });
    app.setNotFoundHandler(async (request, reply) =>
      reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${(request.url.split('?', 1)[0] ?? '').slice(0, 200)}` } satisfies ErrorBody),
    );
  },
  { name: 'das-error-handler', fastify: '5.x' },
);

/** Bodies up to this size are read and dropped after a refusal; larger ones end the connection. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 30_000;

/** Reads and discards what is left of a request body; false when it is too large or too slow for that. */
function drainRequest(request: IncomingMessage): Promise<boolean> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (drained: boolean) => {
      clearTimeout(timer);
      request.off('data', count);
      resolve(drained);
    };
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT_BYTES) done(false);
    };
    const timer = setTimeout(() => done(false), DRAIN_TIMEOUT_MS);
    request.on('data', count);
    request.once('end', () => done(true));
    request.once('error', () => done(false));
    request.once('close', () => done(request.complete));
    request.resume();
  });
}

/** Errors Node's HTTP parser raises before Fastify sees a request, by parser code. */
const PARSER_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, reason: 'Bad Request', code: 'CONTENT_LENGTH_MISMATCH', message: 'content-length is not valid' },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, reason: 'Bad Request', code: 'CONTENT_LENGTH_MISMATCH', message: 'content-length is given twice or conflicts with transfer-encoding' },
  HPE_INVALID_TRANSFER_ENCODING: { status: 400, reason: 'Bad Request', code: 'BAD_REQUEST', message: 'transfer-encoding is not valid' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', code: 'REQUEST_TIMEOUT', message: 'the request took too long to arrive' },
};

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse still gets the one error body
 * (Fastify's default answers in its own shape), then the connection closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const known = PARSER_ERRORS[error.code ?? ''] ?? { status: 400, reason: 'Bad Request', code: 'BAD_REQUEST', message: 'the request could not be parsed' };
  const body = JSON.stringify({ code: known.code, message: known.message } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${known.status} ${known.reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
