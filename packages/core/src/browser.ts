// @das/core/browser: the isomorphic half of @das/core (schemas, validation, normalisation,
// filters, errors). It imports nothing but typebox: no Node built-ins, no AWS SDK.
export type { ActivityEvent } from './activity-event.js';
export * from './alerts/index.js';
export * from './fields.js';
export { ACTIVITY_EVENT_PROPERTIES, type ActivityEventProperties } from './schemas/activity-event.js';
export { detectEngine, type DasEngine } from './engine.js';
export {
  DAS_REASON_CODES,
  DasRecordError,
  fromDecryptFailure,
  isDasRecordError,
  KmsUnavailableError,
  PAYLOAD_REFUSALS,
  toDecryptFailure,
  type DasReasonCode,
  type DasRecordErrorOptions,
  type DecryptFailure,
  type PayloadRefusal,
} from './errors.js';
export * from './filter.js';
export { EventFilterSchema, validateEventFilter } from './filters/event-filter-schema.js';
export { normaliseEvents, type NormaliseOptions } from './normalise.js';
export { contractVersionStatus, DasEnvelopeSchema, ENVELOPE_TYPE, KNOWN_CONTRACT_VERSIONS, PAYLOAD_TYPE, type DasEnvelope } from './schemas/envelope.js';
export {
  DAS_TIMESTAMP_PATTERN,
  DasTimestampSchema,
  HeartbeatEventSchema,
  MysqlActivityEventSchema,
  OtherActivityEventSchema,
  PostgresActivityEventSchema,
  RawActivityEventSchema,
  type HeartbeatEvent,
  type MysqlActivityEvent,
  type OtherActivityEvent,
  type PostgresActivityEvent,
  type RawActivityEvent,
} from './schemas/events.js';
export { DasPayloadSchema, type DasPayload } from './schemas/payload.js';
export * from './statements/index.js';
export { canonicalTime, parseUserTime, type CanonicalTime } from './time.js';
export {
  findTooDeep,
  formatIssues,
  MAX_PAYLOAD_DEPTH,
  validateActivityEvent,
  validateEnvelope,
  validatePayload,
  type ValidationIssue,
  type ValidationResult,
} from './validation.js';
