// Control API (@das/api) contract: route schemas, their Static types and the route table.
export * from './keys.js';
export * from './clusters.js';
export * from './load-runs.js';
export * from './system.js';
export * from './routes.js';
