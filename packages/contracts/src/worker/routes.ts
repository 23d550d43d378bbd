import Type from 'typebox';
import { AlertRuleSchema } from '@das/core/browser';
import type { HttpRoute } from '../http-route.js';
import {
  DeadLetterIdParamsSchema,
  DeadLetterReasonsSchema,
  DeadLetterReplayPlanSchema,
  DeadLetterSchema,
  DeadLetterReplayQuerySchema,
  DeadLetterReplayResultSchema,
  DeadLettersPageSchema,
  DeadLettersQuerySchema,
  EventFilterQuerySchema,
  EventIdParamsSchema,
  EventsPageSchema,
  EventsQuerySchema,
  ExportQuerySchema,
  FacetsSchema,
  HistogramQuerySchema,
  HistogramSchema,
  StoredEventSchema,
  TopStatementsQuerySchema,
  TopStatementsSchema,
} from './events.js';
import { LiveQuerySchema, WorkerStatusSchema } from './live.js';
import {
  AlertActionBodySchema,
  AlertIdParamsSchema,
  AlertRuleDryRunQuerySchema,
  AlertRuleDryRunSchema,
  AlertRuleEntrySchema,
  AlertRuleDeletedSchema,
  AlertDeliveriesQuerySchema,
  AlertDeliveriesSchema,
  AlertRuleIdParamsSchema,
  AlertRulesSchema,
  AlertSchema,
  AlertsPageSchema,
  AlertsQuerySchema,
} from './alerts.js';
import { FleetSchema } from './fleet.js';

export const WorkerHealthSchema = Type.Object({ ok: Type.Boolean() });
export const WorkerReadinessSchema = Type.Object({ ready: Type.Boolean(), state: Type.String() });

/**
 * The route table of the worker. The worker registers exactly these (the live WebSocket, the
 * export stream and the metrics text are answered by their own handlers under the same paths).
 */
export const workerRoutes = {
  health: { method: 'GET', path: '/healthz', auth: false, successStatus: 200, response: WorkerHealthSchema },
  readiness: { method: 'GET', path: '/readyz', auth: false, successStatus: 200, response: WorkerReadinessSchema },
  status: { method: 'GET', path: '/status', auth: true, successStatus: 200, response: WorkerStatusSchema },
  fleet: { method: 'GET', path: '/fleet', auth: true, successStatus: 200, response: FleetSchema },
  metrics: { method: 'GET', path: '/metrics', auth: true, successStatus: 200, response: Type.String({ description: 'Prometheus text format' }) },
  listEvents: { method: 'GET', path: '/events', auth: true, querystring: EventsQuerySchema, successStatus: 200, response: EventsPageSchema },
  eventFacets: { method: 'GET', path: '/events/facets', auth: true, querystring: EventFilterQuerySchema, successStatus: 200, response: FacetsSchema },
  topStatements: { method: 'GET', path: '/events/statements', auth: true, querystring: TopStatementsQuerySchema, successStatus: 200, response: TopStatementsSchema },
  eventHistogram: { method: 'GET', path: '/events/histogram', auth: true, querystring: HistogramQuerySchema, successStatus: 200, response: HistogramSchema },
  exportEvents: {
    method: 'GET',
    path: '/events/export',
    auth: true,
    querystring: ExportQuerySchema,
    successStatus: 200,
    response: Type.String({ description: 'NDJSON or CSV, streamed' }),
  },
  getEvent: { method: 'GET', path: '/events/:id', auth: true, params: EventIdParamsSchema, successStatus: 200, response: StoredEventSchema },
  listDeadLetters: { method: 'GET', path: '/dead-letters', auth: true, querystring: DeadLettersQuerySchema, successStatus: 200, response: DeadLettersPageSchema },
  deadLetterReasons: { method: 'GET', path: '/dead-letters/reasons', auth: true, successStatus: 200, response: DeadLetterReasonsSchema },
  deadLetterReplayPlan: {
    method: 'GET',
    path: '/dead-letters/replay-plan',
    auth: true,
    querystring: DeadLetterReplayQuerySchema,
    successStatus: 200,
    response: DeadLetterReplayPlanSchema,
  },
  getDeadLetter: { method: 'GET', path: '/dead-letters/:id', auth: true, params: DeadLetterIdParamsSchema, successStatus: 200, response: DeadLetterSchema },
  replayDeadLetters: {
    method: 'POST',
    path: '/dead-letters/replay',
    auth: true,
    querystring: DeadLetterReplayQuerySchema,
    successStatus: 200,
    response: DeadLetterReplayResultSchema,
  },
  liveEvents: { method: 'GET', path: '/events/live', auth: true, querystring: LiveQuerySchema, successStatus: 101, response: Type.Null({ description: 'WebSocket upgrade' }) },
  listAlerts: { method: 'GET', path: '/alerts', auth: true, querystring: AlertsQuerySchema, successStatus: 200, response: AlertsPageSchema },
  liveAlerts: { method: 'GET', path: '/alerts/live', auth: true, successStatus: 101, response: Type.Null({ description: 'WebSocket upgrade; `alert` frames' }) },
  getAlert: { method: 'GET', path: '/alerts/:id', auth: true, params: AlertIdParamsSchema, successStatus: 200, response: AlertSchema },
  acknowledgeAlert: {
    method: 'POST',
    path: '/alerts/:id/acknowledge',
    auth: true,
    params: AlertIdParamsSchema,
    body: AlertActionBodySchema,
    optionalBody: true,
    successStatus: 200,
    response: AlertSchema,
  },
  resolveAlert: {
    method: 'POST',
    path: '/alerts/:id/resolve',
    auth: true,
    params: AlertIdParamsSchema,
    body: AlertActionBodySchema,
    optionalBody: true,
    successStatus: 200,
    response: AlertSchema,
  },
  listAlertRules: { method: 'GET', path: '/alert-rules', auth: true, successStatus: 200, response: AlertRulesSchema },
  enableAlertRule: { method: 'POST', path: '/alert-rules/:id/enable', auth: true, params: AlertRuleIdParamsSchema, successStatus: 200, response: AlertRuleEntrySchema },
  disableAlertRule: { method: 'POST', path: '/alert-rules/:id/disable', auth: true, params: AlertRuleIdParamsSchema, successStatus: 200, response: AlertRuleEntrySchema },
  putAlertRule: {
    method: 'PUT',
    path: '/alert-rules/:id',
    auth: true,
    params: AlertRuleIdParamsSchema,
    body: AlertRuleSchema,
    successStatus: 200,
    response: AlertRuleEntrySchema,
  },
  deleteAlertRule: { method: 'DELETE', path: '/alert-rules/:id', auth: true, params: AlertRuleIdParamsSchema, successStatus: 200, response: AlertRuleDeletedSchema },
  listAlertDeliveries: {
    method: 'GET',
    path: '/alert-deliveries',
    auth: true,
    querystring: AlertDeliveriesQuerySchema,
    successStatus: 200,
    response: AlertDeliveriesSchema,
  },
  dryRunAlertRule: {
    method: 'POST',
    path: '/alert-rules/:id/dry-run',
    auth: true,
    params: AlertRuleIdParamsSchema,
    querystring: AlertRuleDryRunQuerySchema,
    successStatus: 200,
    response: AlertRuleDryRunSchema,
  },
} as const satisfies Record<string, HttpRoute>;

export type WorkerRouteName = keyof typeof workerRoutes;
