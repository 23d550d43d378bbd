// @das/api: the control API as a library (buildApp) for tests and embedding; `das-api` runs it.
export { buildApp, BODY_LIMIT_BYTES, type ApiApp, type BuildAppOptions } from './app.js';
export { readApiConfig, DEFAULT_LOAD_DOCUMENT, type ApiConfig, type ApiEnvConfig, type StaticCredentials } from './config.js';
export { createAwsClients, type AwsClients } from './aws-clients.js';
export { ApiError, mapAwsError } from './errors.js';
export { parseLoadProgress } from './services/load-progress.js';
export { buildKeyPolicy } from './services/key-policy.js';
