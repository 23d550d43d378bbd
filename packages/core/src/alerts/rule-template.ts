// Alert titles: `{{count}} failed logins for {{user}} from {{host}}`. A template is parsed once
// into literal and field parts; rendering joins them.

/** What a title may name. Event fields come from the event that raised the alert. */
export const TEMPLATE_FIELDS = {
  count: 'matching events behind the alert',
  distinct: 'distinct values counted (threshold with `distinct`)',
  sum: 'the summed value (sum rules)',
  value: 'the group or first-seen values, comma-separated',
  window: 'the rule window in seconds',
  rule: 'the rule id',
  severity: 'the severity',
  user: 'event user',
  host: 'event client host',
  database: 'event database',
  object: 'event object name',
  command: 'event command',
  category: 'statement category',
  verb: 'statement verb, e.g. DROP TABLE',
  session: 'event session id',
  application: 'event client application',
  cluster: 'cluster id',
  instance: 'instance id',
  time: 'event time (UTC)',
  local_time: 'event time in the rule time zone (time_of_day)',
  signal: 'stream signal: silence, events_dropped, stream_stopped (stream_health)',
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;
const MAX_TITLE = 300;

/** Literal text at even indexes, field names at odd indexes. */
export type CompiledTemplate = readonly string[];

/** The placeholders of a template that are not {@link TEMPLATE_FIELDS}. */
export function unknownTemplateFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string).filter((name) => !(name in TEMPLATE_FIELDS));
}

export function compileTemplate(template: string): CompiledTemplate {
  const parts: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, match.index), match[1] as string);
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  return parts;
}

/** Fills a compiled template; a missing or null value reads `-`. */
export function renderTemplate(template: CompiledTemplate, value: (field: string) => string | number | null | undefined): string {
  let title = '';
  for (let i = 0; i < template.length; i += 1) {
    const part = template[i] as string;
    if (i % 2 === 0) title += part;
    else {
      const v = value(part);
      title += v === null || v === undefined || v === '' ? '-' : String(v);
    }
  }
  return title.length > MAX_TITLE ? title.slice(0, MAX_TITLE - 1) + '…' : title;
}
