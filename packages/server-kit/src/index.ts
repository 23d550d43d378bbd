// @das/server-kit: what the self-hosted API and worker share — the token, bearer auth,
// log redaction and environment validation.
export { loadOrCreateToken, tokensEqual, TOKEN_FILE, type TokenSource } from './token.js';
export { bearerAuth, requestToken, type BearerAuthOptions } from './auth.js';
export { loggerOptions, redactUrl, REDACTED_PATHS, type LogSettings } from './logging.js';
export { createEnvReader, ConfigError } from './env.js';
export { ensureWritableDataDir, listenFailure, StartupError } from './startup.js';
export {
  clientErrorHandler,
  describeRequestError,
  errorHandler,
  loggableError,
  sendError,
  toErrorResponse,
  type ErrorBody,
  type ErrorHandlerOptions,
  type ErrorResponse,
} from './http-errors.js';
