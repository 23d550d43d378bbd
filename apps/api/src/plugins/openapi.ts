import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { API_VERSION, apiRoutes } from '@das/contracts';
import fp from 'fastify-plugin';

/** `METHOD /path/{param}` of the routes whose body may be left out. */
const OPTIONAL_BODIES = new Set(
  Object.values(apiRoutes)
    .filter((route) => 'optionalBody' in route && route.optionalBody)
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
);

type OpenApiDocument = { paths?: Record<string, Record<string, { requestBody?: { required?: boolean } }>> };

/** The swagger plugin marks every body required; the contract knows which are optional. */
function markOptionalBodies(document: OpenApiDocument): OpenApiDocument {
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation.requestBody && OPTIONAL_BODIES.has(`${method} ${path}`)) operation.requestBody.required = false;
    }
  }
  return document;
}

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
      transformObject: (documentObject) => markOptionalBodies((documentObject as { openapiObject: OpenApiDocument }).openapiObject) as never,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: false } });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'das-openapi', fastify: '5.x' },
);
