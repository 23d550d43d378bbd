import { ALERT_SEVERITIES, AlertRuleSchema, type AlertSeverity } from '@das/core/browser';
import Type from 'typebox';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const AlertStatusSchema = Type.Unsafe<AlertStatus>(Type.Union(ALERT_STATUSES.map((s) => Type.Literal(s))));

export const AlertSeveritySchema = Type.Unsafe<AlertSeverity>(Type.Union(ALERT_SEVERITIES.map((s) => Type.Literal(s))));

/** An alert id: 16 hex digits hashed from rule, group and window (the same incident, the same id). */
const AlertId = Type.String({ pattern: '^[0-9a-f]{16}$', description: 'Deterministic: hashed from rule, group and window start' });

/** An alert as the worker stores and serves it: what a rule raised, and what people did about it. */
export const AlertSchema = Type.Object(
  {
    id: AlertId,
    ruleId: Type.String(),
    kind: Type.String({ description: 'The rule kind: event, threshold, first_seen, sum, time_of_day, stream_health' }),
    severity: AlertSeveritySchema,
    title: Type.String(),
    groupKey: Type.String({ description: "The group's values, e.g. `user=app, remoteHost=10.0.1.25`; empty for an ungrouped rule" }),
    group: Type.Record(Type.String(), Nullable(Type.String())),
    eventIds: Type.Array(Type.Integer({ minimum: 1 }), { description: 'The events behind the alert (the latest, at most 50)' }),
    eventCount: Type.Integer({ minimum: 0 }),
    value: Nullable(Type.Number({ description: 'The count, distinct count or sum that crossed the threshold' })),
    windowStart: Type.String(),
    firstTime: Type.String(),
    lastTime: Type.String(),
    createdAt: Type.String({ description: 'When the alert was stored, ISO 8601' }),
    status: AlertStatusSchema,
    acknowledgedBy: Nullable(Type.String()),
    acknowledgedAt: Nullable(Type.String()),
    resolvedBy: Nullable(Type.String()),
    resolvedAt: Nullable(Type.String()),
  },
  { $id: 'Alert' },
);
export type Alert = Type.Static<typeof AlertSchema>;

/** `GET /alerts` query: newest first. */
export const AlertsQuerySchema = Type.Object({
  status: Type.Optional(AlertStatusSchema),
  severity: Type.Optional(AlertSeveritySchema),
  rule: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A rule id' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type AlertsQuery = Type.Static<typeof AlertsQuerySchema>;

export const AlertsPageSchema = Type.Object({ alerts: Type.Array(AlertSchema), next: Nullable(Type.String()) });
export type AlertsPage = Type.Static<typeof AlertsPageSchema>;

export const AlertIdParamsSchema = Type.Object({ id: AlertId });

/** Acknowledge or resolve: who did it (free text, e.g. a name or an email address). */
export const AlertActionBodySchema = Type.Object({ by: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false });
export type AlertActionBody = Type.Static<typeof AlertActionBodySchema>;

/** A rule the worker evaluates, and where it comes from. */
export const AlertRuleEntrySchema = Type.Object({
  source: Type.Union([Type.Literal('built-in'), Type.Literal('file'), Type.Literal('api')], { description: 'api: created or changed through PUT /alert-rules/:id' }),
  rule: AlertRuleSchema,
});

/** `GET /alert-rules`. */
export const AlertRulesSchema = Type.Object({ rules: Type.Array(AlertRuleEntrySchema) });
export type AlertRules = Type.Static<typeof AlertRulesSchema>;

export const AlertRuleIdParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

/** `DELETE /alert-rules/:id`: a rule created through the API is gone (built-in and file rules are turned off instead). */
export const AlertRuleDeletedSchema = Type.Object({ id: Type.String(), deleted: Type.Literal(true) });

const DeliveryStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]);

/** A webhook delivery of an alert: pending (retried with back-off), delivered, or dead (given up) with its last error. */
export const AlertDeliverySchema = Type.Object({
  id: Type.String(),
  alertId: Type.String(),
  endpointId: Type.String(),
  status: DeliveryStatusSchema,
  attempts: Type.Integer({ minimum: 0 }),
  createdAt: Type.String(),
  lastAttemptAt: Nullable(Type.String()),
  lastStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
});
export type AlertDelivery = Type.Static<typeof AlertDeliverySchema>;

export const AlertDeliveriesQuerySchema = Type.Object({
  status: Type.Optional(DeliveryStatusSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});

/** `GET /alert-deliveries`: newest first. */
export const AlertDeliveriesSchema = Type.Object({ deliveries: Type.Array(AlertDeliverySchema) });
export type AlertDeliveries = Type.Static<typeof AlertDeliveriesSchema>;

export const AlertRuleDryRunQuerySchema = Type.Object({
  hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 31, default: 24, description: 'How far back to evaluate the stored events' })),
});

/** An alert a dry run would have raised (not stored, not delivered). */
export const AlertCandidateSchema = Type.Object({
  id: AlertId,
  ruleId: Type.String(),
  kind: Type.String(),
  severity: AlertSeveritySchema,
  title: Type.String(),
  groupKey: Type.String(),
  group: Type.Record(Type.String(), Nullable(Type.String())),
  eventIds: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  eventCount: Type.Integer({ minimum: 0 }),
  value: Type.Optional(Type.Number()),
  windowStart: Type.String(),
  firstTime: Type.String(),
  lastTime: Type.String(),
  dedupKey: Type.String(),
});

/** `POST /alert-rules/:id/dry-run`: what the rule would have raised over the stored events of the last `hours`. */
export const AlertRuleDryRunSchema = Type.Object({
  ruleId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  /** Events evaluated (at most the worker's dry-run limit, the newest). */
  events: Type.Integer({ minimum: 0 }),
  /** True when there were more events than the limit: the oldest were left out. */
  truncated: Type.Boolean(),
  alerts: Type.Array(AlertCandidateSchema),
});
export type AlertRuleDryRun = Type.Static<typeof AlertRuleDryRunSchema>;

/** `GET /alerts/live` (WebSocket), worker → client: each alert once stored, as it is raised. */
export const LiveAlertFrameSchema = Type.Object({ type: Type.Literal('alert'), alert: AlertSchema });
export type LiveAlertFrame = Type.Static<typeof LiveAlertFrameSchema>;
