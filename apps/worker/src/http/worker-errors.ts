import { FilterQueryError } from '@das/core';
import type { ErrorHandlerOptions } from '@das/server-kit';
import { CursorError } from '../store/event-store.js';

/** The worker's own request errors; Fastify's and validation errors are server-kit's. */
export const workerErrors: ErrorHandlerOptions = {
  mapError(error) {
    if (error instanceof FilterQueryError) {
      return { status: 400, body: { code: error.code, message: error.message, field: `/querystring/${error.param}` }, unexpected: false };
    }
    if (error instanceof CursorError) return { status: 400, body: { code: error.code, message: error.message, field: '/querystring/cursor' }, unexpected: false };
    return undefined;
  },
  internalMessage: 'the worker could not answer; see its log',
};
