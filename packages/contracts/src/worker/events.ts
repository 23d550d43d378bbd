import { ACTIVITY_EVENT_PROPERTIES, FACET_FIELDS, STATEMENT_CATEGORIES, type StatementCategory } from '@das/core/browser';
import Type from 'typebox';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** What kind of statement an event is (@das/core's `statementCategory`). */
export const StatementCategorySchema = Type.Unsafe<StatementCategory>(Type.Union(STATEMENT_CATEGORIES.map((c) => Type.Literal(c))));

/**
 * One stored activity event as the worker serves it: @das/core's normalised `ActivityEvent` plus
 * where it came from (`shardId`, `sequenceNumber`), the store's `id`, and the statement's
 * `category` and `fingerprint` the store derives.
 */
export const StoredEventSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: 'Store id, unique per worker store' }),
    shardId: Type.String(),
    sequenceNumber: Type.String({ description: 'Kinesis sequence number of the record that carried the event' }),
    ...ACTIVITY_EVENT_PROPERTIES,
    // Derived by the store (optional: events stored before the columns existed have null).
    category: Type.Optional(Nullable(StatementCategorySchema)),
    fingerprint: Type.Optional(Nullable(Type.String({ description: 'The statement with its literals replaced (statementFingerprint)' }))),
    // Only in live frames of a subscription with `maxTextChars`.
    cut: Type.Optional(
      Type.Array(Type.String(), { description: 'Fields this live frame shortened (`text`, `raw.commandText`, …); `GET /events/:id` returns the event whole' }),
    ),
  },
  { $id: 'StoredEvent' },
);
export type StoredEvent = Type.Static<typeof StoredEventSchema>;

/**
 * The filter query parameters shared by `GET /events`, the facets, histogram and export routes
 * and `/events/live`; parsed by @das/core's `filterFromQuery` (lists may repeat or be comma-joined).
 */
const ListParam = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 100 })]));

export const EventFilterQuerySchema = Type.Object({
  from: Type.Optional(Type.String({ description: 'Inclusive lower time bound, ISO 8601' })),
  to: Type.Optional(Type.String({ description: 'Exclusive upper time bound, ISO 8601' })),
  user: ListParam,
  database: ListParam,
  command: ListParam,
  object: ListParam,
  host: ListParam,
  category: ListParam,
  // Values excluded: the same names with `!` (`user!=rdsadmin` in a URL).
  'user!': ListParam,
  'database!': ListParam,
  'command!': ListParam,
  'object!': ListParam,
  'host!': ListParam,
  'category!': ListParam,
  exitCode: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('failed')])),
  q: Type.Optional(Type.String({ description: 'Case-insensitive text contained in the SQL text' })),
  heartbeats: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')])),
  rdsadmin: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')])),
});
export type EventFilterQuery = Type.Static<typeof EventFilterQuerySchema>;

/** `GET /events` query: the filter plus paging (newest first unless `order=asc`). */
export const EventsQuerySchema = Type.Object({
  ...EventFilterQuerySchema.properties,
  order: Type.Optional(Type.Union([Type.Literal('desc'), Type.Literal('asc')], { default: 'desc', description: 'Time order: newest first (desc) or oldest first (asc)' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` of the previous page (of the same order)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type EventsQuery = Type.Static<typeof EventsQuerySchema>;

/** `GET /events` answer: in the order asked; `next` is null on the last page. */
export const EventsPageSchema = Type.Object({
  events: Type.Array(StoredEventSchema),
  next: Nullable(Type.String()),
});
export type EventsPage = Type.Static<typeof EventsPageSchema>;

export const EventIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

const FacetCountsSchema = Type.Array(Type.Object({ value: Nullable(Type.String()), count: Type.Integer() }));

/** `GET /events/facets` answer: the most frequent values per dimension within the filter. */
type StoredFacetKey = Extract<(typeof FACET_FIELDS)[number], { facet: { stored: true } }>['facet']['key'];

/** The facet dimensions the store counts (`stored` in @das/core's field table). */
const STORED_FACET_KEYS = FACET_FIELDS.filter((field) => field.facet.stored).map((field) => field.facet.key) as StoredFacetKey[];

export const FacetsSchema = Type.Object({
  total: Type.Integer(),
  ...(Object.fromEntries(STORED_FACET_KEYS.map((key) => [key, FacetCountsSchema])) as Record<StoredFacetKey, typeof FacetCountsSchema>),
  /** Statement categories (a derived column, not a field of the event table). */
  categories: Type.Optional(FacetCountsSchema),
});
export type Facets = Type.Static<typeof FacetsSchema>;

/** `GET /events/statements` query: the filter and how many statements. */
export const TopStatementsQuerySchema = Type.Object({
  ...EventFilterQuerySchema.properties,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});
export type TopStatementsQuery = Type.Static<typeof TopStatementsQuerySchema>;

/** `GET /events/statements` answer: the most frequent statement fingerprints in the filter ("top statements"). */
export const TopStatementsSchema = Type.Object({
  statements: Type.Array(
    Type.Object({
      fingerprint: Type.String({ description: 'The statement with its literals replaced' }),
      category: Nullable(StatementCategorySchema),
      count: Type.Integer({ minimum: 1 }),
      /** When the newest one ran, ISO 8601. */
      lastTime: Type.String(),
    }),
  ),
});
export type TopStatements = Type.Static<typeof TopStatementsSchema>;

/** What a histogram's buckets are split by. */
export const HISTOGRAM_GROUPS = ['command', 'user', 'database', 'host', 'object', 'category'] as const;
export const HistogramGroupBySchema = Type.Union([
  Type.Literal('command'),
  Type.Literal('user'),
  Type.Literal('database'),
  Type.Literal('host'),
  Type.Literal('object'),
  Type.Literal('category'),
]);
export type HistogramGroupBy = Type.Static<typeof HistogramGroupBySchema>;

export const HistogramQuerySchema = Type.Object({
  ...EventFilterQuerySchema.properties,
  intervalMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 366 * 86_400_000, description: 'Bucket width (1 s to 366 days); chosen from the range when absent' })),
  groupBy: Type.Optional(Type.Unsafe<HistogramGroupBy>({ ...HistogramGroupBySchema, default: 'command', description: 'The field each bucket is split by' })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 8, description: 'Values kept apart (the most frequent over the range); the rest are summed as `other`' })),
});
export type HistogramQuery = Type.Static<typeof HistogramQuerySchema>;

/** `GET /events/histogram` answer: events per bucket (start, epoch ms), split by the `groupBy` field. */
export const HistogramSchema = Type.Object({
  intervalMs: Type.Integer(),
  groupBy: HistogramGroupBySchema,
  /** The values kept apart, most frequent first ('' = events without the field). */
  values: Type.Array(Type.String()),
  /** How many other values are summed in each bucket's `other`. */
  otherValues: Type.Integer({ minimum: 0 }),
  buckets: Type.Array(
    Type.Object({
      start: Type.Number({ description: 'Bucket start, epoch milliseconds' }),
      total: Type.Integer(),
      byValue: Type.Record(Type.String(), Type.Integer()),
      other: Type.Integer({ minimum: 0 }),
    }),
  ),
});
export type Histogram = Type.Static<typeof HistogramSchema>;

export const ExportQuerySchema = Type.Object({
  ...EventFilterQuerySchema.properties,
  format: Type.Optional(Type.Union([Type.Literal('ndjson'), Type.Literal('csv')], { default: 'ndjson' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000 })),
});
export type ExportQuery = Type.Static<typeof ExportQuerySchema>;

/** A Kinesis record that could not be turned into events, kept with its reason. */
export const DeadLetterSchema = Type.Object({
  id: Type.Integer(),
  reason: Type.String({ description: '@das/core reason code, e.g. PAYLOAD_DECRYPT_FAILED' }),
  message: Type.String(),
  shardId: Type.String(),
  sequenceNumber: Type.String(),
  arrivedAt: Nullable(Type.String({ description: 'ApproximateArrivalTimestamp, ISO 8601' })),
  storedAt: Type.String(),
  size: Type.Integer({ minimum: 0, description: 'Bytes of record data' }),
  data: Type.Optional(Type.String({ description: 'The record data, base64: only from `GET /dead-letters/:id`' })),
});
export type DeadLetter = Type.Static<typeof DeadLetterSchema>;

export const DeadLettersQuerySchema = Type.Object({
  reason: Type.Optional(Type.String()),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type DeadLettersQuery = Type.Static<typeof DeadLettersQuerySchema>;

/** `GET /dead-letters` answer: newest first, without their data. */
export const DeadLettersPageSchema = Type.Object({
  deadLetters: Type.Array(DeadLetterSchema),
  next: Nullable(Type.String()),
});
export type DeadLettersPage = Type.Static<typeof DeadLettersPageSchema>;

export const DeadLetterIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) });

/** `GET /dead-letters/reasons` answer: how many letters there are, in all and per reason (most first). */
export const DeadLetterReasonsSchema = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  reasons: Type.Array(Type.Object({ reason: Type.String(), count: Type.Integer({ minimum: 1 }) })),
});
export type DeadLetterReasons = Type.Static<typeof DeadLetterReasonsSchema>;

const IdsParam = Type.Optional(Type.String({ pattern: '^[0-9]{1,16}(,[0-9]{1,16}){0,999}$', description: 'Only these letters: comma-separated ids (at most 1000)' }));

/**
 * Decrypts dead letters again, e.g. after a KMS key policy was fixed. Those that decode now become
 * events and leave the list; the others stay, with their current reason.
 */
export const DeadLetterReplayQuerySchema = Type.Object({
  reason: Type.Optional(Type.String({ description: 'Only dead letters with this reason code' })),
  ids: IdsParam,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000, description: 'Dead letters examined at most, newest first' })),
});
export type DeadLetterReplayQuery = Type.Static<typeof DeadLetterReplayQuerySchema>;

export const DeadLetterReplayResultSchema = Type.Object({
  examined: Type.Integer({ minimum: 0 }),
  /** Dead letters that decoded and were stored as events. */
  recovered: Type.Integer({ minimum: 0 }),
  events: Type.Integer({ minimum: 0 }),
  /** Still bad (their reason and message are updated). */
  stillFailing: Type.Integer({ minimum: 0 }),
  /** KMS could not answer: left as they were, try again later. */
  retryLater: Type.Integer({ minimum: 0 }),
  /** The stream ended (stopped, restarted, worker stopping) before every letter was examined: run it again later. */
  interrupted: Type.Boolean(),
});
export type DeadLetterReplayResult = Type.Static<typeof DeadLetterReplayResultSchema>;

/** `GET /dead-letters/replay-plan` answer: what a replay with the same query would take, to confirm it first. */
export const DeadLetterReplayPlanSchema = Type.Object({
  /** Letters the replay would examine. */
  letters: Type.Integer({ minimum: 0 }),
  /** KMS Decrypt calls at most: one per distinct data key among them (letters without a readable envelope need none). */
  kmsCalls: Type.Integer({ minimum: 0 }),
});
export type DeadLetterReplayPlan = Type.Static<typeof DeadLetterReplayPlanSchema>;
