import type Type from 'typebox';
import { ErrorBodySchema } from './common.js';

/** One HTTP route of the API or the worker: what the server validates and what a typed client sends and receives. */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path syntax (`/keys/:keyId`). */
  path: string;
  /** False for the routes that answer without a bearer token. */
  auth: boolean;
  params?: Type.TSchema;
  querystring?: Type.TSchema;
  body?: Type.TSchema;
  /** True when the body may be left out (the server then validates `{}`). */
  optionalBody?: boolean;
  /** The success status and its body schema. */
  successStatus: number;
  response: Type.TSchema;
  /** `text/event-stream` routes: `response` is the data of each frame. */
  eventStream?: boolean;
}

type RequestParts<R extends HttpRoute> = Pick<R, Extract<keyof R, 'params' | 'querystring' | 'body'>>;

export type RouteSchema<R extends HttpRoute> = RequestParts<R> & {
  tags: string[];
  summary: string;
  security?: never[];
  response: { [K in R['successStatus']]: R['response'] } & { '4xx': typeof ErrorBodySchema; '5xx': typeof ErrorBodySchema };
};

/**
 * A Fastify route schema from a contract route: request parts, the success body and the one
 * error body for every 4xx/5xx, tagged for the OpenAPI document.
 */
export function routeSchema<R extends HttpRoute>(route: R, tag: string, summary: string): RouteSchema<R> {
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
