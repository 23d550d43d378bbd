import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import type { Validator } from 'typebox/compile';
import { DasEnvelopeSchema, type DasEnvelope } from './schemas/envelope.js';
import {
  HeartbeatEventSchema,
  MysqlActivityEventSchema,
  OtherActivityEventSchema,
  PostgresActivityEventSchema,
  type RawActivityEvent,
} from './schemas/events.js';
import { DasPayloadSchema, type DasPayload } from './schemas/payload.js';
import { detectEngine } from './engine.js';

/** One reason a value failed validation; `path` is a JSON pointer into the value. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Result of a validation helper: the typed value, or the issues with their paths. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

const MAX_ISSUES = 10;

// Validators are compiled on first use: compiling costs more than a hundred checks.
function lazyValidator(schema: TSchema): () => Validator {
  let compiled: Validator | undefined;
  return () => (compiled ??= Compile(schema) as unknown as Validator);
}
const envelopeValidator = lazyValidator(DasEnvelopeSchema);
const payloadValidator = lazyValidator(DasPayloadSchema);
const mysqlValidator = lazyValidator(MysqlActivityEventSchema);
const postgresValidator = lazyValidator(PostgresActivityEventSchema);
const heartbeatValidator = lazyValidator(HeartbeatEventSchema);
const otherValidator = lazyValidator(OtherActivityEventSchema);

/** The issues a compiled validator finds, one per path (a union's own message wins). */
export function issuesOf(validator: Validator, value: unknown, prefix = ''): ValidationIssue[] {
  const byPath = new Map<string, ValidationIssue>();
  for (const error of validator.Errors(value)) {
    let path = prefix + error.instancePath;
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) byPath.set(`${path}/${name}`, { path: `${path}/${name}`, message: 'is required' });
      continue;
    }
    if (path === '') path = '/';
    // A union reports each member and then `anyOf`: keep one line per path, the union's if any.
    const existing = byPath.get(path);
    if (existing === undefined || error.keyword === 'anyOf') byPath.set(path, { path, message: error.message });
    if (byPath.size >= MAX_ISSUES) break;
  }
  const issues = [...byPath.values()].slice(0, MAX_ISSUES);
  return issues.length > 0 ? issues : [{ path: prefix || '/', message: 'is invalid' }];
}

function check<T>(validator: Validator, value: unknown, prefix = ''): ValidationResult<T> {
  if (validator.Check(value)) return { ok: true, value: value as T };
  return { ok: false, issues: issuesOf(validator, value, prefix) };
}

/** Validates a Kinesis envelope (`DatabaseActivityMonitoringRecords`). Unknown fields are kept. */
export function validateEnvelope(value: unknown): ValidationResult<DasEnvelope> {
  return check<DasEnvelope>(envelopeValidator(), value);
}

function eventValidator(event: RawActivityEvent): Validator {
  if (event.type === 'heartbeat') return heartbeatValidator();
  switch (detectEngine(event)) {
    case 'mysql':
      return mysqlValidator();
    case 'postgres':
      return postgresValidator();
    default:
      return otherValidator();
  }
}

/**
 * Validates one element of `databaseActivityEventList` against the schema of its engine
 * (heartbeat, MySQL, PostgreSQL, or the lenient `other`). `path` prefixes the reported paths.
 */
export function validateActivityEvent(value: unknown, path = ''): ValidationResult<RawActivityEvent> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as RawActivityEvent).type !== 'string') {
    return { ok: false, issues: [{ path: `${path}/type`, message: 'must be an object with a string type' }] };
  }
  return check<RawActivityEvent>(eventValidator(value as RawActivityEvent), value, path);
}

/** Real payloads nest 5 levels at most; far deeper JSON would overflow JSON.stringify/postMessage later. */
export const MAX_PAYLOAD_DEPTH = 32;

/** The JSON pointer of the first value nested deeper than `maxDepth`, or null. Iterative. */
export function findTooDeep(value: unknown, maxDepth: number): string | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; depth: number; path: string };
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) return item.path || '/';
    for (const [key, child] of Object.entries(item.value)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: item.depth + 1, path: `${item.path}/${key}` });
    }
  }
  return null;
}

/**
 * Validates a decrypted payload: its shape, nesting depth (at most {@link MAX_PAYLOAD_DEPTH}),
 * then every event against its engine's schema. Returns the first issues found (at most 10),
 * each with the JSON pointer of the bad field.
 */
export function validatePayload(value: unknown): ValidationResult<DasPayload> {
  const tooDeep = findTooDeep(value, MAX_PAYLOAD_DEPTH);
  if (tooDeep !== null) return { ok: false, issues: [{ path: tooDeep, message: `nests deeper than ${MAX_PAYLOAD_DEPTH} levels` }] };
  const shape = check<DasPayload>(payloadValidator(), value);
  if (!shape.ok) return shape;
  const issues: ValidationIssue[] = [];
  shape.value.databaseActivityEventList.forEach((event, index) => {
    if (issues.length >= MAX_ISSUES) return;
    const result = validateActivityEvent(event, `/databaseActivityEventList/${index}`);
    if (!result.ok) issues.push(...result.issues);
  });
  return issues.length === 0 ? shape : { ok: false, issues: issues.slice(0, MAX_ISSUES) };
}

/** Formats issues as one line, e.g. for an error message: `/a/0/exitCode must be string`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
}
