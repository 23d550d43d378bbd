import type { ErrorBody } from '@das/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, mapAwsError } from '../errors.js';

/** Fastify's own client errors, by code, with the reason code we answer. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (content-type: application/json)' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (content-type: application/json)' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (content-type: application/json)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', message: 'content-length does not match the body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'VALIDATION_FAILED', message: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: 'the body is not valid JSON' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_REQUEST', message: 'the URL is not valid' },
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

/** Turns any thrown error into the status and the one error body; never a stack trace. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; retryAfterSeconds?: number; unexpected: boolean } {
  const mapped = mapAwsError(error);
  if (mapped instanceof ApiError) {
    return { status: mapped.statusCode, body: mapped.toBody(), retryAfterSeconds: mapped.extra.retryAfterSeconds, unexpected: false };
  }
  const fastifyError = mapped as FastifyError;
  if (fastifyError?.validation) {
    const issue = firstIssue(fastifyError);
    const field = validationField(fastifyError, issue);
    const detail = issue?.message ?? 'is invalid';
    return {
      status: 400,
      body: { code: 'VALIDATION_FAILED', message: `${field ?? 'request'} ${detail}`, ...(field ? { field } : {}) },
      unexpected: false,
    };
  }
  const known = fastifyError?.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known) return { status: known.status, body: { code: known.code, message: known.message }, unexpected: false };
  if (mapped instanceof SyntaxError || fastifyError?.statusCode === 400) {
    return { status: 400, body: { code: 'BAD_REQUEST', message: 'the request could not be read' }, unexpected: false };
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { code: 'BAD_REQUEST', message: fastifyError.message || 'bad request' }, unexpected: false };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'internal error; see the API log for the request id' }, unexpected: true };
}

/** Errors Fastify raises before routing (bad URL, over-long parameter): same shape. */
export async function sendFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  return sendError(request, reply, error);
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

async function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const { status, body, retryAfterSeconds, unexpected } = toErrorResponse(error);
  if (unexpected) request.log.error({ failure: loggableError(error) }, 'unexpected error');
  else request.log.info({ status, code: body.code, awsCode: body.awsCode }, 'request failed');
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.ceil(retryAfterSeconds)));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** One error handler: typed and AWS errors to `{code, message, awsCode?, field?}`, unknown routes to 404. */
export default fp(
  async (app) => {
    app.setErrorHandler(async (error, request, reply) => sendError(request, reply, error));
    app.setNotFoundHandler(async (request, reply) =>
      reply.code(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${(request.url.split("?", 1)[0] ?? "").slice(0, 200)}` } satisfies ErrorBody),
    );
  },
  { name: 'das-error-handler', fastify: '5.x' },
);
