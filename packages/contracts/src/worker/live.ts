import Type from 'typebox';
import { EventFilterQuerySchema, StoredEventSchema } from './events.js';

/** Where the worker stands with the activity stream. */
export const StreamStateSchema = Type.Union([
  Type.Literal('starting'),
  Type.Literal('waiting for activity stream'),
  Type.Literal('consuming'),
  Type.Literal('stopping'),
  Type.Literal('stopped'),
  Type.Literal('error'),
]);
export type StreamState = Type.Static<typeof StreamStateSchema>;

export const ShardStatusSchema = Type.Object({
  shardId: Type.String(),
  state: Type.Union([Type.Literal('waiting for parents'), Type.Literal('reading'), Type.Literal('finished')]),
  millisBehindLatest: Type.Union([Type.Number(), Type.Null()]),
  lastSequenceNumber: Type.Union([Type.String(), Type.Null()]),
});
export type ShardStatus = Type.Static<typeof ShardStatusSchema>;

/** The worker's consumer status: `GET /status` and the live `status` frame. */
export const WorkerStatusSchema = Type.Object({
  state: StreamStateSchema,
  clusterId: Type.Union([Type.String(), Type.Null()]),
  streamName: Type.Union([Type.String(), Type.Null()]),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  shards: Type.Array(ShardStatusSchema),
  /** Max MillisBehindLatest over the shards being read. */
  lagMs: Type.Union([Type.Number(), Type.Null()]),
  eventsPerSecond: Type.Number(),
  recordsPerSecond: Type.Number(),
  storedEvents: Type.Integer(),
  deadLetters: Type.Integer(),
  message: Type.Optional(Type.String()),
});
export type WorkerStatus = Type.Static<typeof WorkerStatusSchema>;

/**
 * The most events per second the worker pushes to one subscription (also the cap of a client that
 * names none, e.g. `das tail`-like readers that want everything); beyond its cap a subscription
 * gets a sample. The console asks for far less: a table is read, not every event of a busy stream.
 */
export const LIVE_MAX_RATE = 100_000;

const MaxRateSchema = Type.Integer({
  minimum: 1,
  maximum: LIVE_MAX_RATE,
  description: 'Events per second pushed at most (a second\'s worth at once after a rest); beyond it the worker sends a sample',
});

/** Frames are sent at most this often to a subscription that asks (`intervalMs`); the worker flushes every 100 ms. */
const IntervalSchema = Type.Integer({ minimum: 100, maximum: 5000, description: 'Least time between two events frames (ms, default 100): a page that renders twice a second needs no more' });

/** The range of a subscription's `maxTextChars`: texts longer than it arrive cut. */
export const LIVE_MIN_TEXT_CHARS = 100;
export const LIVE_MAX_TEXT_CHARS = 1_000_000;

const MaxTextCharsSchema = Type.Integer({
  minimum: LIVE_MIN_TEXT_CHARS,
  maximum: LIVE_MAX_TEXT_CHARS,
  description:
    'Longer texts (the statement, its fingerprint, the error, the raw event\'s strings) are cut to this many characters, ending in …, and the event names them in `cut`; `GET /events/:id` has the event whole. Default: nothing is cut',
});

/** `/events/live` query: the filter of `GET /events`, the subscription's rate cap, frame interval and text limit. */
export const LiveQuerySchema = Type.Object({
  ...EventFilterQuerySchema.properties,
  maxRate: Type.Optional(MaxRateSchema),
  intervalMs: Type.Optional(IntervalSchema),
  maxTextChars: Type.Optional(MaxTextCharsSchema),
});

/** Client → worker on `/events/live`: replace the filter (same fields as the query parameters) and, optionally, the rate cap. */
export const LiveSubscribeFrameSchema = Type.Object({
  type: Type.Literal('subscribe'),
  filter: EventFilterQuerySchema,
  maxRate: Type.Optional(MaxRateSchema),
  intervalMs: Type.Optional(IntervalSchema),
  maxTextChars: Type.Optional(MaxTextCharsSchema),
});
export const LiveClientFrameSchema = Type.Union([LiveSubscribeFrameSchema]);
export type LiveClientFrame = Type.Static<typeof LiveClientFrameSchema>;

/**
 * Events of one flush. `matched` counts every event that matched the filter since the previous
 * frame (the worker's own count, the rate to show); `skipped` those left out by the rate cap, so
 * `events.length + skipped = matched`.
 */
export const LiveEventsFrameSchema = Type.Object({
  type: Type.Literal('events'),
  events: Type.Array(StoredEventSchema),
  matched: Type.Integer({ minimum: 0 }),
  skipped: Type.Integer({ minimum: 0 }),
});
export const LiveDroppedFrameSchema = Type.Object({
  type: Type.Literal('dropped'),
  count: Type.Integer({ minimum: 1, description: 'Events dropped because the client read too slowly' }),
});
export const LiveStatusFrameSchema = Type.Object({ type: Type.Literal('status'), status: WorkerStatusSchema });
export const LiveSubscribedFrameSchema = Type.Object({ type: Type.Literal('subscribed'), filter: EventFilterQuerySchema });
export const LiveErrorFrameSchema = Type.Object({
  type: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
});

/** Worker → client on `/events/live`, told apart by `type`. */
export const LiveServerFrameSchema = Type.Union([
  LiveEventsFrameSchema,
  LiveDroppedFrameSchema,
  LiveStatusFrameSchema,
  LiveSubscribedFrameSchema,
  LiveErrorFrameSchema,
]);
export type LiveServerFrame = Type.Static<typeof LiveServerFrameSchema>;
