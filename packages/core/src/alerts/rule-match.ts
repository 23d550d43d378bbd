import { compileFilter, RDS_HOUSEKEEPING_USERS } from '../filters/event-filter.js';
import type { RuleMatch } from './alert-rule-schema.js';
import { lowered, type EvaluationContext } from './rule-event.js';

type Check = (ctx: EvaluationContext) => boolean;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function lowerSet(values: readonly string[]): Set<string> {
  return new Set(values.map((v) => v.toLowerCase()));
}

/** The schema of the event's object: the `schema.` of its name, else the session database. */
export function objectSchema(objectName: string | null, database: string | null): string | null {
  if (objectName !== null) {
    const dot = objectName.indexOf('.');
    if (dot > 0) return lowered(objectName.slice(0, dot));
  }
  return database === null ? null : lowered(database);
}

function sensitiveCheck(sensitive: NonNullable<RuleMatch['sensitive']>): Check | undefined {
  const objects = sensitive.objects ?? [];
  const columns = sensitive.columns ?? [];
  if (objects.length === 0 && columns.length === 0) return undefined;
  // An object matches by its full name, or by its table name when the entry gives no schema or
  // the session database is that schema.
  const qualified = lowerSet(objects.filter((o) => o.includes('.')));
  const bare = lowerSet(objects.filter((o) => !o.includes('.')));
  // For a name without schema: the schemas in which that table is sensitive.
  const schemasOfTable = new Map<string, Set<string>>();
  for (const name of qualified) {
    const dot = name.lastIndexOf('.');
    const table = name.slice(dot + 1);
    const schemas = schemasOfTable.get(table) ?? new Set<string>();
    schemas.add(name.slice(0, dot));
    schemasOfTable.set(table, schemas);
  }
  const words = [...new Set([...objects.map((o) => o.slice(o.lastIndexOf('.') + 1)), ...columns])];
  const inText = new RegExp(`\\b(?:${words.map(escapeRegExp).join('|')})\\b`, 'i');
  const objectMatches = (name: string, database: string | null): boolean => {
    const lower = lowered(name.includes(' ') ? name.trim() : name);
    if (lower.length === 0) return false;
    if (bare.has(lower) || qualified.has(lower)) return true;
    const dot = lower.lastIndexOf('.');
    if (dot >= 0) return bare.has(lower.slice(dot + 1));
    const schemas = schemasOfTable.get(lower);
    return schemas !== undefined && database !== null && schemas.has(lowered(database));
  };
  return (ctx) => {
    const { objectName, database, text, eventClass } = ctx.event;
    if (objectName !== null) {
      const found = objectName.includes(',') ? objectName.split(',').some((part) => objectMatches(part, database)) : objectMatches(objectName, database);
      if (found) return true;
    }
    // A MySQL AUX event's text is its object again, already looked at.
    return text !== null && eventClass !== 'AUX' && inText.test(text);
  };
}

/**
 * Compiles a rule's `match` into one predicate. The checks run cheapest and most selective first
 * (heartbeat, exit status, category, RDS users: values the context computes once per event),
 * then the filter's sets, the object checks, the regular expressions last.
 */
export function compileRuleMatch(match: RuleMatch = {}, options: { dispatched?: boolean } = {}): Check {
  const { categories, verbs, patterns, excludePatterns, sensitive, objectSchemas, excludeObjectSchemas, exclude, heartbeats, exit, rdsadmin, ...lists } = match;
  const checks: Check[] = [];
  // `dispatched`: the engine only hands over events of the rule's categories, heartbeats only when asked.
  const dispatched = options.dispatched === true;
  if (heartbeats !== true && !dispatched) checks.push((ctx) => ctx.event.kind !== 'heartbeat');
  if (exit === 'failed') checks.push((ctx) => ctx.event.failed);
  if (exit === 'ok') checks.push((ctx) => !ctx.event.failed);
  if (categories !== undefined && !dispatched) {
    const wanted = new Set<string>(categories);
    checks.push((ctx) => wanted.has(ctx.category));
  }
  if (rdsadmin === false) {
    const hidden = new Set(RDS_HOUSEKEEPING_USERS);
    checks.push((ctx) => {
      const user = ctx.user;
      return user === null || !hidden.has(user);
    });
  }
  if (Object.values(lists).some((v) => v !== undefined)) {
    const listCheck = compileFilter({ ...lists, heartbeats: true });
    checks.push((ctx) => listCheck(ctx.event));
  }
  if (verbs !== undefined) {
    const prefixes = verbs.map((v) => v.trim().toUpperCase());
    checks.push((ctx) => {
      const verb = ctx.verb;
      return verb !== null && prefixes.some((p) => verb === p || verb.startsWith(`${p} `));
    });
  }
  if (objectSchemas !== undefined) {
    const wanted = lowerSet(objectSchemas);
    checks.push((ctx) => {
      const schema = objectSchema(ctx.event.objectName, ctx.event.database);
      return schema !== null && wanted.has(schema);
    });
  }
  if (excludeObjectSchemas !== undefined) {
    const unwanted = lowerSet(excludeObjectSchemas);
    checks.push((ctx) => {
      const schema = objectSchema(ctx.event.objectName, ctx.event.database);
      return schema === null || !unwanted.has(schema);
    });
  }
  if (exclude !== undefined) {
    // Heartbeats pass a filter only when asked; here the exclusion must be able to match them.
    const excluded = compileFilter({ heartbeats: true, ...exclude });
    checks.push((ctx) => !excluded(ctx.event));
  }
  if (sensitive !== undefined) checks.push(sensitiveCheck(sensitive) ?? (() => false));
  if (patterns !== undefined) {
    const regexps = combinedPatterns(patterns);
    checks.push((ctx) => {
      const text = ctx.event.text;
      return text !== null && regexps.some((r) => r.test(text));
    });
  }
  if (excludePatterns !== undefined) {
    const regexps = combinedPatterns(excludePatterns);
    checks.push((ctx) => {
      const text = ctx.event.text;
      return text === null || !regexps.some((r) => r.test(text));
    });
  }
  return allOf(checks);
}

/**
 * The patterns as few regular expressions as possible: one alternation scans the text once where
 * several would scan it once each. Patterns with back-references keep their own (joining would
 * renumber their groups).
 */
function combinedPatterns(patterns: readonly string[]): RegExp[] {
  const alone = patterns.filter((p) => /\\[1-9]|\\k</.test(p));
  const joinable = patterns.filter((p) => !alone.includes(p));
  const regexps = alone.map((p) => new RegExp(p, 'i'));
  if (joinable.length > 0) regexps.unshift(new RegExp(joinable.map((p) => `(?:${p})`).join('|'), 'i'));
  return regexps;
}

function allOf(checks: readonly Check[]): Check {
  // Unrolled for the common lengths: a loop over closures costs more than the checks themselves.
  const [a, b, c, d] = checks;
  switch (checks.length) {
    case 0:
      return () => true;
    case 1:
      return a as Check;
    case 2:
      return (ctx) => (a as Check)(ctx) && (b as Check)(ctx);
    case 3:
      return (ctx) => (a as Check)(ctx) && (b as Check)(ctx) && (c as Check)(ctx);
    case 4:
      return (ctx) => (a as Check)(ctx) && (b as Check)(ctx) && (c as Check)(ctx) && (d as Check)(ctx);
    default: {
      const rest = allOf(checks.slice(4));
      return (ctx) => (a as Check)(ctx) && (b as Check)(ctx) && (c as Check)(ctx) && (d as Check)(ctx) && rest(ctx);
    }
  }
}
