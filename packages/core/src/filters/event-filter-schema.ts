import Type from 'typebox';
import { Compile } from 'typebox/compile';
import type { Validator } from 'typebox/compile';
import { STATEMENT_CATEGORIES, type StatementCategory } from '../statements/statement-category.js';
import { parseUserTime } from '../time.js';
import { issuesOf, type ValidationResult } from '../validation.js';

// The schema and its validator live apart from the matching code, so that a browser bundle that
// only filters events (the console) does not carry typebox.

const Values = Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100 }));

/**
 * A serialisable event filter, applied the same way by the worker (server side) and the console
 * (client side). Every given criterion must hold (AND); within a list any value may match (OR).
 */
export const EventFilterSchema = Type.Object(
  {
    /** `dbUserName`, exact, case-insensitive. */
    users: Values,
    /** `databaseName`, exact, case-insensitive. */
    databases: Values,
    /** `command` (QUERY, CONNECT, SELECT, …), exact, case-insensitive. */
    commands: Values,
    /** `objectName`, exact, case-insensitive; a comma-separated MySQL object list matches on any element. */
    objects: Values,
    /** `remoteHost`, exact, case-insensitive. */
    hosts: Values,
    /** `class` (MAIN/AUX on MySQL; READ, WRITE, DDL, ROLE, FUNCTION, MISC… on PostgreSQL), exact, case-insensitive. */
    classes: Values,
    /** Statement category (`statementCategory`: DDL, DML, DQL, DCL, TCL, auth, other), any of. */
    categories: Type.Optional(Type.Array(Type.Unsafe<StatementCategory>(Type.Union(STATEMENT_CATEGORIES.map((c) => Type.Literal(c)))), { maxItems: STATEMENT_CATEGORIES.length })),
    /** Case-insensitive substring of `commandText`. */
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    exit: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('failed')])),
    /**
     * Values excluded (`user!=x` in a URL): an event whose field equals one of them (same rules as
     * the lists above: exact, case-insensitive, objects per list element) does not match; an event
     * without the field does.
     */
    not: Type.Optional(
      Type.Object(
        {
          users: Values,
          databases: Values,
          commands: Values,
          objects: Values,
          hosts: Values,
          classes: Values,
          categories: Type.Optional(Type.Array(Type.Unsafe<StatementCategory>(Type.Union(STATEMENT_CATEGORIES.map((c) => Type.Literal(c)))), { maxItems: STATEMENT_CATEGORIES.length })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Include heartbeats (default false). */
    heartbeats: Type.Optional(Type.Boolean()),
    /** Include RDS housekeeping by `rdsadmin`/`rdssec` (default true). */
    rdsadmin: Type.Optional(Type.Boolean()),
    /** Inclusive lower bound, ISO 8601. */
    from: Type.Optional(Type.String()),
    /** Exclusive upper bound, ISO 8601. */
    to: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type EventFilter = Type.Static<typeof EventFilterSchema>;

let filterValidator: Validator | undefined;

/**
 * Validates an untrusted filter (e.g. a WebSocket subscription message): schema, and `from`/`to`
 * being ISO 8601 times with `from` not after `to`. Unknown keys are refused. The value returned
 * is a copy with `from`/`to` in canonical form.
 */
export function validateEventFilter(value: unknown): ValidationResult<EventFilter> {
  filterValidator ??= Compile(EventFilterSchema) as unknown as Validator;
  if (!filterValidator.Check(value)) return { ok: false, issues: issuesOf(filterValidator, value) };
  const filter = value as EventFilter;
  const from = filter.from === undefined ? undefined : parseUserTime(filter.from);
  const to = filter.to === undefined ? undefined : parseUserTime(filter.to);
  if (from === null) return { ok: false, issues: [{ path: '/from', message: 'must be an ISO 8601 time' }] };
  if (to === null) return { ok: false, issues: [{ path: '/to', message: 'must be an ISO 8601 time' }] };
  if (from !== undefined && to !== undefined && from.iso > to.iso) return { ok: false, issues: [{ path: '/from', message: 'is after to' }] };
  // Bounds come back canonical (UTC, 6 fraction digits), as filterFromQuery makes them.
  const canonical: EventFilter = { ...filter };
  if (from !== undefined) canonical.from = from.iso;
  if (to !== undefined) canonical.to = to.iso;
  return { ok: true, value: canonical };
}
