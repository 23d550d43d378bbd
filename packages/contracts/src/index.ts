// @das/contracts: the HTTP and WebSocket schemas shared by the API, the worker and the console.
// Isomorphic: imports only typebox and @das/core's browser entry.
export * from './common.js';
export * from './http-route.js';
export * from './live-protocol.js';
export * from './api/index.js';
export * from './lab.js';
export * from './worker/index.js';
