// The worker's HTTP query and `/events/live` WebSocket schemas.
export * from './alerts.js';
export * from './events.js';
export * from './live.js';
export * from './routes.js';
export * from './fleet.js';
