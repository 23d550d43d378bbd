import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

/**
 * Serves the built console at `/` (index.html and `/assets/*`). The console routes by hash,
 * so no API path ever needs a fallback to index.html.
 */
export default fp(
  async (app, options: { dir: string }) => {
    await app.register(fastifyStatic, {
      root: options.dir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      dotfiles: 'deny',
      schemaHide: true,
    });
  },
  { name: 'das-console-static', fastify: '5.x' },
);
