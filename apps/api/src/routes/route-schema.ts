import { ErrorBodySchema, type ApiRoute } from '@das/contracts';

type RequestParts<R extends ApiRoute> = Pick<R, Extract<keyof R, 'params' | 'querystring' | 'body'>>;

export type RouteSchema<R extends ApiRoute> = RequestParts<R> & {
  tags: string[];
  summary: string;
  security?: never[];
  response: { [K in R['successStatus']]: R['response'] } & { '4xx': typeof ErrorBodySchema; '5xx': typeof ErrorBodySchema };
};

/**
 * A Fastify route schema from a contract route: request parts, the success body and the one
 * error body for every 4xx/5xx, tagged for the OpenAPI document.
 */
export function routeSchema<R extends ApiRoute>(route: R, tag: string, summary: string): RouteSchema<R> {
  return {
    tags: [tag],
    summary,
    ...(route.auth ? {} : { security: [] }),
    ...(route.params ? { params: route.params } : {}),
    ...(route.querystring ? { querystring: route.querystring } : {}),
    ...(route.body ? { body: route.body } : {}),
    response: { [route.successStatus]: route.response, '4xx': ErrorBodySchema, '5xx': ErrorBodySchema },
  } as unknown as RouteSchema<R>;
}
