import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { API_VERSION } from '@das/contracts';
import fp from 'fastify-plugin';

/** OpenAPI document at `/openapi.json` and the interactive page at `/docs`, built from the route schemas. */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'DAS Toolkit control API',
          description: 'KMS keys, Aurora activity streams and SSM load runs: the lab, as an API.',
          version: API_VERSION,
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: false } });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'das-openapi', fastify: '5.x' },
);
