import { compileFilter } from '../filters/event-filter.js';
import type { RuleMatch } from './alert-rule-schema.js';
import type { EvaluationContext } from './rule-event.js';

type Check = (ctx: EvaluationContext) => boolean;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function lowerSet(values: readonly string[]): Set<string> {
  return new Set(values.map((v) => v.toLowerCase()));
}

/** The schema of the event's object: the `schema.` of its name, else the session database. */
export function objectSchema(objectName: string | null, database: string | null): string | null {
  if (objectName !== null) {
    const dot = objectName.indexOf('.');
    if (dot > 0) return objectName.slice(0, dot).toLowerCase();
  }
  return database === null ? null : database.toLowerCase();
}

function sensitiveCheck(sensitive: NonNullable<RuleMatch['sensitive']>): Check | undefined {
  const objects = sensitive.objects ?? [];
  const columns = sensitive.columns ?? [];
  if (objects.length === 0 && columns.length === 0) return undefined;
  // An object matches by its full name, or by its table name when the entry gives no schema or
  // the session database is that schema.
  const qualified = lowerSet(objects.filter((o) => o.includes('.')));
  const bare = lowerSet(objects.filter((o) => !o.includes('.')));
  const words = [...new Set([...objects.map((o) => o.slice(o.lastIndexOf('.') + 1)), ...columns])];
  const inText = new RegExp(`(?<![\\w$])(?:${words.map(escapeRegExp).join('|')})(?![\\w$])`, 'i');
  const objectMatches = (name: string, database: string | null): boolean => {
    const lower = name.trim().toLowerCase();
    if (bare.has(lower) || qualified.has(lower)) return true;
    const dot = lower.lastIndexOf('.');
    if (dot >= 0) return bare.has(lower.slice(dot + 1));
    return database !== null && qualified.has(`${database.toLowerCase()}.${lower}`);
  };
  return (ctx) => {
    const { objectName, database, text, eventClass } = ctx.event;
    if (objectName !== null && objectName.split(',').some((part) => objectMatches(part, database))) return true;
    // A MySQL AUX event's text is its object again, already looked at.
    return text !== null && eventClass !== 'AUX' && inText.test(text);
  };
}

/**
 * Compiles a rule's `match` into one predicate. The checks run cheapest and most selective first
 * (the filter's sets, the category), the regular expressions last.
 */
export function compileRuleMatch(match: RuleMatch = {}): Check {
  const { categories, verbs, patterns, sensitive, objectSchemas, excludeObjectSchemas, exclude, ...filter } = match;
  const checks: Check[] = [];
  const filterCheck = compileFilter(filter);
  checks.push((ctx) => filterCheck(ctx.event));
  if (categories !== undefined) {
    const wanted = new Set<string>(categories);
    checks.push((ctx) => wanted.has(ctx.category));
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
  if (sensitive !== undefined) {
    const check = sensitiveCheck(sensitive);
    if (check !== undefined) checks.push(check);
    else checks.push(() => false);
  }
  if (patterns !== undefined) {
    const regexps = patterns.map((p) => new RegExp(p, 'i'));
    checks.push((ctx) => {
      const text = ctx.event.text;
      return text !== null && regexps.some((r) => r.test(text));
    });
  }
  if (checks.length === 1) return checks[0] as Check;
  return (ctx) => {
    for (const check of checks) if (!check(ctx)) return false;
    return true;
  };
}
