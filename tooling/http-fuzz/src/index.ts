// @das/http-fuzz: the fuzz tier of the API and the worker, driven by their contract route tables.
export { contractViolation, describeReport, FUZZ_SEED, fuzzServer, runFuzzTier, type FuzzReport, type FuzzServerOptions } from './fuzz-server.js';
export { requestFor, requestsFor, type FuzzRequest } from './request-arbitrary.js';
