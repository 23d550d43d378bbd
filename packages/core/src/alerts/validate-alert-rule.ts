import { Compile } from 'typebox/compile';
import type { Validator } from 'typebox/compile';
import { issuesOf } from '../validation.js';
import { ALERT_RULE_KINDS, ALERT_RULE_SCHEMAS, type AlertRule, type AlertRuleKind } from './alert-rule-schema.js';
import { unknownTemplateFields } from './rule-template.js';

/** Why a rule was refused. */
export const RULE_ISSUE_CODES = [
  /** Not an object, or `kind` missing or unknown. */
  'RULE_UNKNOWN_KIND',
  /** A field is missing, of the wrong type, out of range, or not allowed for the kind. */
  'RULE_INVALID',
  /** A `match.patterns` or `match.excludePatterns` entry is not a valid regular expression. */
  'RULE_BAD_PATTERN',
  /** The title names a field templates do not have. */
  'RULE_BAD_TEMPLATE',
  /** `timeZone` is not an IANA time zone. */
  'RULE_BAD_TIME_ZONE',
  /** `start` equals `end`: the allowed window is empty. */
  'RULE_EMPTY_HOURS',
  /** `distinct` is also a `groupBy` field, so it can never count more than one. */
  'RULE_BAD_GROUPING',
  /** Two rules of a set share an id. */
  'RULE_DUPLICATE_ID',
] as const;
export type RuleIssueCode = (typeof RULE_ISSUE_CODES)[number];

/** One reason a rule was refused: `path` is a JSON pointer into the rule (or the rule list). */
export interface RuleIssue {
  path: string;
  code: RuleIssueCode;
  message: string;
}

export type RuleValidationResult<T> = { ok: true; value: T } | { ok: false; issues: RuleIssue[] };

/** Thrown by `createRuleEngine` for rules that do not validate. */
export class AlertRuleError extends Error {
  readonly code = 'INVALID_ALERT_RULE';
  readonly issues: RuleIssue[];
  constructor(issues: RuleIssue[]) {
    super(`invalid alert rule: ${issues.map((i) => `${i.path} ${i.message} (${i.code})`).join('; ')}`);
    this.name = 'AlertRuleError';
    this.issues = issues;
  }
}

const validators = new Map<AlertRuleKind, Validator>();
function validatorFor(kind: AlertRuleKind): Validator {
  let validator = validators.get(kind);
  if (validator === undefined) {
    validator = Compile(ALERT_RULE_SCHEMAS[kind]) as unknown as Validator;
    validators.set(kind, validator);
  }
  return validator;
}

function isKind(value: unknown): value is AlertRuleKind {
  return typeof value === 'string' && (ALERT_RULE_KINDS as readonly string[]).includes(value);
}

/** True when `timeZone` is a zone `Intl` knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates an untrusted rule: its kind's schema (unknown keys refused), then what a schema cannot
 * say: patterns compile, the title names known fields, the time zone exists, the hours are not
 * empty, `distinct` is not a group field. Each issue has a JSON-pointer path and a code.
 */
export function validateAlertRule(value: unknown, prefix = ''): RuleValidationResult<AlertRule> {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (!isKind(kind)) {
    return {
      ok: false,
      issues: [{ path: `${prefix}/kind`, code: 'RULE_UNKNOWN_KIND', message: `must be one of ${ALERT_RULE_KINDS.join(', ')}` }],
    };
  }
  const validator = validatorFor(kind);
  if (!validator.Check(value)) {
    return { ok: false, issues: issuesOf(validator, value, prefix).map((issue) => ({ ...issue, code: 'RULE_INVALID' as const })) };
  }
  const rule = value as AlertRule;
  const issues: RuleIssue[] = [];
  for (const key of ['patterns', 'excludePatterns'] as const) {
    rule.match?.[key]?.forEach((pattern, i) => {
      try {
        new RegExp(pattern, 'i');
      } catch (error) {
        issues.push({ path: `${prefix}/match/${key}/${i}`, code: 'RULE_BAD_PATTERN', message: (error as Error).message });
      }
    });
  }
  const unknown = unknownTemplateFields(rule.title);
  if (unknown.length > 0) {
    issues.push({ path: `${prefix}/title`, code: 'RULE_BAD_TEMPLATE', message: `unknown field ${unknown.map((f) => `{{${f}}}`).join(', ')}` });
  }
  if (rule.kind === 'time_of_day') {
    if (!isTimeZone(rule.timeZone)) issues.push({ path: `${prefix}/timeZone`, code: 'RULE_BAD_TIME_ZONE', message: `unknown time zone "${rule.timeZone}"` });
    if (rule.start === rule.end) issues.push({ path: `${prefix}/end`, code: 'RULE_EMPTY_HOURS', message: 'equals start: no hour would be allowed' });
  }
  if (rule.kind === 'threshold' && rule.distinct !== undefined && rule.groupBy.includes(rule.distinct)) {
    issues.push({ path: `${prefix}/distinct`, code: 'RULE_BAD_GROUPING', message: `"${rule.distinct}" is also in groupBy` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: rule };
}

/** Validates a rule set: every rule, and ids unique. */
export function validateAlertRules(value: unknown): RuleValidationResult<AlertRule[]> {
  if (!Array.isArray(value)) return { ok: false, issues: [{ path: '/', code: 'RULE_INVALID', message: 'must be an array of rules' }] };
  const issues: RuleIssue[] = [];
  const seen = new Set<string>();
  value.forEach((candidate, i) => {
    const result = validateAlertRule(candidate, `/${i}`);
    if (!result.ok) issues.push(...result.issues);
    else if (seen.has(result.value.id)) issues.push({ path: `/${i}/id`, code: 'RULE_DUPLICATE_ID', message: `"${result.value.id}" is used by an earlier rule` });
    else seen.add(result.value.id);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: value as AlertRule[] };
}
