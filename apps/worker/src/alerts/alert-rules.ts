import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { builtInRules, validateAlertRules, type AlertRule, type BuiltInRuleConfig } from '@das/core';

/** A rule the worker evaluates and where it comes from (`GET /alert-rules`). */
export interface LoadedRule {
  /** `api`: created or changed through `PUT /alert-rules/:id` (kept in the store). */
  source: 'built-in' | 'file' | 'api';
  rule: AlertRule;
}

export interface AlertRuleSettings {
  /** `DAS_ALERT_RULES`: a JSON or YAML file of rules (a list, or `{ rules: [...] }`). */
  file?: string | undefined;
  /** `DAS_SENSITIVE_OBJECTS`: tables whose reads alert (`table` or `schema.table`). */
  sensitiveObjects: string[];
  /** The rest of the built-in rules' settings (tests: business hours). */
  builtIn?: Omit<BuiltInRuleConfig, 'sensitiveObjects'>;
}

/** The rules file does not hold valid rules: every problem, with where it is. */
export class AlertRulesFileError extends Error {
  readonly code = 'INVALID_ALERT_RULES';
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'AlertRulesFileError';
  }
}

function parseRulesFile(file: string, text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new AlertRulesFileError(file, [error instanceof Error ? error.message : String(error)]);
  }
  if (parsed === null || parsed === undefined) return [];
  const list = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown }).rules;
  if (!Array.isArray(list)) throw new AlertRulesFileError(file, ['expected a list of rules, or an object with `rules: [...]`']);
  return list;
}

/**
 * The rules the worker runs: the built-in ones (with the sensitive tables), then the file's.
 * A file rule with a built-in's id replaces it; `{ id: <built-in id>, enabled: false }` alone
 * turns a built-in off. Everything is validated with @das/core before the worker starts.
 */
export async function loadAlertRules(settings: AlertRuleSettings): Promise<LoadedRule[]> {
  const builtIns = builtInRules({ ...settings.builtIn, sensitiveObjects: settings.sensitiveObjects });
  const rules = new Map<string, LoadedRule>(builtIns.map((rule) => [rule.id, { source: 'built-in', rule }]));
  if (settings.file === undefined) return [...rules.values()];
  const entries = parseRulesFile(settings.file, await readFile(settings.file, 'utf8'));
  const fileRules: unknown[] = [];
  for (const entry of entries) {
    const { id, enabled, ...rest } = (entry ?? {}) as { id?: unknown; enabled?: unknown };
    const builtIn = typeof id === 'string' ? rules.get(id) : undefined;
    if (builtIn?.source === 'built-in' && enabled === false && Object.keys(rest).length === 0) {
      rules.set(builtIn.rule.id, { source: 'built-in', rule: { ...builtIn.rule, enabled: false } });
    } else {
      fileRules.push(entry);
    }
  }
  const validated = validateAlertRules(fileRules);
  if (!validated.ok) throw new AlertRulesFileError(settings.file, validated.issues.map((issue) => `${issue.path} ${issue.code}: ${issue.message}`));
  for (const rule of validated.value) rules.set(rule.id, { source: 'file', rule });
  return [...rules.values()];
}
