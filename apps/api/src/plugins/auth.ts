import { bearerAuth } from '@das/server-kit';
import fp from 'fastify-plugin';

/** Paths that answer without a token: liveness and what the console needs before it has one. */
export const PUBLIC_PATHS = ['/healthz', '/console-config', '/openapi.json', '/docs', '/', '/index.html', '/favicon.ico', '/favicon.svg'];
/** Static console assets and the interactive docs; the data routes stay behind the token. */
export const PUBLIC_PREFIXES = ['/assets/', '/docs/'];

/** Bearer token on every route but the public ones (constant-time check in @das/server-kit). */
export default fp(
  async (app, options: { token: string }) => {
    await app.register(bearerAuth, { token: options.token, publicPaths: PUBLIC_PATHS, publicPrefixes: PUBLIC_PREFIXES });
  },
  { name: 'das-api-auth', fastify: '5.x' },
);
