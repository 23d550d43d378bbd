import { sendError, toErrorResponse as describe, type ErrorHandlerOptions, type ErrorResponse } from '@das/server-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, mapAwsError } from '../errors.js';

export { loggableError } from '@das/server-kit';

/** The API's own errors: typed `ApiError`s and AWS faults mapped to them; the rest is server-kit's. */
export const apiErrors: ErrorHandlerOptions = {
  mapError(error): ErrorResponse | undefined {
    const mapped = mapAwsError(error);
    if (!(mapped instanceof ApiError)) return undefined;
    return { status: mapped.statusCode, body: mapped.toBody(), retryAfterSeconds: mapped.extra.retryAfterSeconds, unexpected: false };
  },
  internalMessage: 'internal error; see the API log for the request id',
};

/** Turns any thrown error into the status and the one error body; never a stack trace. */
export function toErrorResponse(error: unknown): ErrorResponse {
  return describe(error, apiErrors);
}

/** Errors Fastify raises before routing (bad URL, over-long parameter): same shape. */
export async function sendFrameworkError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  return sendError(request, reply, error, apiErrors);
}
