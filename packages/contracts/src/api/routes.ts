import Type from 'typebox';
import type { HttpRoute } from '../http-route.js';
import {
  ActivityStreamChangeSchema,
  ActivityStreamStartBodySchema,
  ActivityStreamStopBodySchema,
  ClusterIdParamsSchema,
  ClusterListSchema,
  ClusterSchema,
  StatusEventSchema,
  StatusEventsQuerySchema,
} from './clusters.js';
import {
  CreateKeyBodySchema,
  CreateKeyResultSchema,
  KeyDeletionSchema,
  KeyIdParamsSchema,
  KeyListSchema,
  KeySummarySchema,
  ScheduleKeyDeletionBodySchema,
  ScheduleKeyDeletionQuerySchema,
} from './keys.js';
import { LoadRunCreateBodySchema, LoadRunIdParamsSchema, LoadRunListSchema, LoadRunSchema } from './load-runs.js';
import { ConsoleConfigSchema, HealthSchema, ReadinessSchema, StreamCostSchema } from './system.js';

/** One API route (see {@link HttpRoute}). */
export type ApiRoute = HttpRoute;

const EmptySchema = Type.Object({}, { additionalProperties: false });

/**
 * The route table of the control API. The server registers exactly these; the console's typed
 * client derives request and response types from them, so a breaking change fails both typechecks.
 */
export const apiRoutes = {
  health: { method: 'GET', path: '/healthz', auth: false, successStatus: 200, response: HealthSchema },
  readiness: { method: 'GET', path: '/readyz', auth: true, successStatus: 200, response: ReadinessSchema },
  consoleConfig: { method: 'GET', path: '/console-config', auth: false, successStatus: 200, response: ConsoleConfigSchema },
  streamCost: { method: 'GET', path: '/stream-cost', auth: true, successStatus: 200, response: StreamCostSchema },

  createKey: { method: 'POST', path: '/keys', auth: true, body: CreateKeyBodySchema, successStatus: 201, response: CreateKeyResultSchema },
  listKeys: { method: 'GET', path: '/keys', auth: true, successStatus: 200, response: KeyListSchema },
  getKey: { method: 'GET', path: '/keys/:keyId', auth: true, params: KeyIdParamsSchema, successStatus: 200, response: KeySummarySchema },
  scheduleKeyDeletion: {
    method: 'DELETE',
    path: '/keys/:keyId',
    auth: true,
    params: KeyIdParamsSchema,
    querystring: ScheduleKeyDeletionQuerySchema,
    body: ScheduleKeyDeletionBodySchema,
    optionalBody: true,
    successStatus: 200,
    response: KeyDeletionSchema,
  },
  cancelKeyDeletion: {
    method: 'POST',
    path: '/keys/:keyId/cancel-deletion',
    auth: true,
    params: KeyIdParamsSchema,
    body: EmptySchema,
    optionalBody: true,
    successStatus: 200,
    response: KeySummarySchema,
  },

  listClusters: { method: 'GET', path: '/clusters', auth: true, successStatus: 200, response: ClusterListSchema },
  getCluster: { method: 'GET', path: '/clusters/:id', auth: true, params: ClusterIdParamsSchema, successStatus: 200, response: ClusterSchema },
  startActivityStream: {
    method: 'POST',
    path: '/clusters/:id/activity-stream',
    auth: true,
    params: ClusterIdParamsSchema,
    body: ActivityStreamStartBodySchema,
    successStatus: 202,
    response: ActivityStreamChangeSchema,
  },
  stopActivityStream: {
    method: 'DELETE',
    path: '/clusters/:id/activity-stream',
    auth: true,
    params: ClusterIdParamsSchema,
    body: ActivityStreamStopBodySchema,
    optionalBody: true,
    successStatus: 202,
    response: ActivityStreamChangeSchema,
  },
  clusterStatusEvents: {
    method: 'GET',
    path: '/clusters/:id/status-events',
    auth: true,
    params: ClusterIdParamsSchema,
    querystring: StatusEventsQuerySchema,
    successStatus: 200,
    response: StatusEventSchema,
    eventStream: true,
  },

  createLoadRun: { method: 'POST', path: '/load-runs', auth: true, body: LoadRunCreateBodySchema, successStatus: 201, response: LoadRunSchema },
  listLoadRuns: { method: 'GET', path: '/load-runs', auth: true, successStatus: 200, response: LoadRunListSchema },
  getLoadRun: { method: 'GET', path: '/load-runs/:id', auth: true, params: LoadRunIdParamsSchema, successStatus: 200, response: LoadRunSchema },
  cancelLoadRun: { method: 'DELETE', path: '/load-runs/:id', auth: true, params: LoadRunIdParamsSchema, successStatus: 200, response: LoadRunSchema },
} as const satisfies Record<string, ApiRoute>;

export type ApiRouteName = keyof typeof apiRoutes;

type StaticOf<T> = T extends Type.TSchema ? Type.Static<T> : undefined;
type Route<N extends ApiRouteName> = (typeof apiRoutes)[N];

/** Success body of a route, e.g. `RouteResponse<'listKeys'>` = `KeyList`. */
export type RouteResponse<N extends ApiRouteName> = StaticOf<Route<N>['response']>;
/** JSON body of a route, or `undefined` when it takes none. */
export type RouteBody<N extends ApiRouteName> = Route<N> extends { body: infer B } ? StaticOf<B> : undefined;
/** Path parameters of a route, or `undefined`. */
export type RouteParams<N extends ApiRouteName> = Route<N> extends { params: infer P } ? StaticOf<P> : undefined;
/** Query string of a route, or `undefined`. */
export type RouteQuery<N extends ApiRouteName> = Route<N> extends { querystring: infer Q } ? StaticOf<Q> : undefined;
