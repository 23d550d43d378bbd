import Type from 'typebox';

/** DAS activity stream states as RDS reports them. */
export const ActivityStreamStatusSchema = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('starting'),
  Type.Literal('started'),
  Type.Literal('stopping'),
]);
export type ActivityStreamStatus = Type.Static<typeof ActivityStreamStatusSchema>;

export const ActivityStreamModeSchema = Type.Union([Type.Literal('async'), Type.Literal('sync')]);
export type ActivityStreamMode = Type.Static<typeof ActivityStreamModeSchema>;

/** The states a status-events stream ends on. */
export const FINAL_ACTIVITY_STREAM_STATUSES: readonly ActivityStreamStatus[] = ['started', 'stopped'];

export const ActivityStreamSchema = Type.Object({
  status: ActivityStreamStatusSchema,
  mode: Type.Optional(ActivityStreamModeSchema),
  kmsKeyId: Type.Optional(Type.String()),
  kinesisStreamName: Type.Optional(Type.String({ description: 'aws-rds-das-<resource id>' })),
});
export type ActivityStream = Type.Static<typeof ActivityStreamSchema>;

/** An Aurora cluster with what DAS needs: resource id, endpoint and the activity stream. */
export const ClusterSchema = Type.Object({
  id: Type.String({ description: 'DBClusterIdentifier' }),
  arn: Type.String(),
  engine: Type.String(),
  engineVersion: Type.Optional(Type.String()),
  status: Type.String({ description: 'Cluster status, e.g. available, configuring-activity-stream' }),
  resourceId: Type.String({ description: 'DbClusterResourceId, cluster-…' }),
  endpoint: Type.Optional(Type.String()),
  readerEndpoint: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer()),
  activityStream: ActivityStreamSchema,
});
export type Cluster = Type.Static<typeof ClusterSchema>;

export const ClusterListSchema = Type.Object({ clusters: Type.Array(ClusterSchema) });
export type ClusterList = Type.Static<typeof ClusterListSchema>;

export const ClusterIdParamsSchema = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^([A-Za-z][A-Za-z0-9-]{0,62}|arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62})$',
    description: 'DBClusterIdentifier or cluster ARN',
  }),
});
export type ClusterIdParams = Type.Static<typeof ClusterIdParamsSchema>;

export const ActivityStreamStartBodySchema = Type.Object(
  {
    kmsKeyId: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^[A-Za-z0-9:/_-]+$',
      description: 'Customer managed key: id, ARN, alias name or alias ARN',
    }),
    mode: Type.Optional(Type.Union([Type.Literal('async'), Type.Literal('sync')], { default: 'async', description: 'Aurora MySQL supports async only' })),
    applyImmediately: Type.Optional(Type.Boolean({ default: true })),
    engineNativeAuditFieldsIncluded: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ActivityStreamStartBody = Type.Static<typeof ActivityStreamStartBodySchema>;

export const ActivityStreamStopBodySchema = Type.Object(
  { applyImmediately: Type.Optional(Type.Boolean({ default: true })) },
  { additionalProperties: false },
);
export type ActivityStreamStopBody = Type.Static<typeof ActivityStreamStopBodySchema>;

/** What Start/StopActivityStream answered: the new status (starting / stopping). */
export const ActivityStreamChangeSchema = Type.Object({
  clusterId: Type.String(),
  status: ActivityStreamStatusSchema,
  mode: Type.Optional(ActivityStreamModeSchema),
  kmsKeyId: Type.Optional(Type.String()),
  kinesisStreamName: Type.Optional(Type.String()),
  applyImmediately: Type.Optional(Type.Boolean()),
});
export type ActivityStreamChange = Type.Static<typeof ActivityStreamChangeSchema>;

export const StatusEventsQuerySchema = Type.Object(
  {
    timeoutSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3600, default: 900, description: 'Give up (event: error, code TIMEOUT) after this long' }),
    ),
  },
  { additionalProperties: false },
);
export type StatusEventsQuery = Type.Static<typeof StatusEventsQuerySchema>;

/**
 * The data of one `event: status` frame of `GET /clusters/:id/status-events` (server-sent
 * events). A frame is sent for the first observation and for every change; the stream ends after
 * a frame with `final: true` (activity stream `started` or `stopped`). A failure or timeout ends
 * it with an `event: error` frame whose data is an ErrorBody.
 */
export const StatusEventSchema = Type.Object({
  clusterId: Type.String(),
  clusterStatus: Type.String(),
  activityStream: ActivityStreamSchema,
  at: Type.String({ description: 'ISO 8601 time of the observation' }),
  final: Type.Boolean(),
});
export type StatusEvent = Type.Static<typeof StatusEventSchema>;

/** SSE event names of the status-events stream. */
export const STATUS_EVENT_NAME = 'status';
export const STATUS_ERROR_EVENT_NAME = 'error';
