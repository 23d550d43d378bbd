import { redactStatement, sqlDialectOf, statementCategory, statementFingerprint, type ActivityEvent, type StatementCategory } from '@das/core';

// What the store derives from each event as it stores it: the statement category and fingerprint
// (filters, facets, alert rules, "top statements"), and, when asked, the text with its literals
// taken out before anything is written or published.

/** The derived values, as columns of `events` and fields of a stored event. */
export interface StatementColumns {
  category: StatementCategory;
  fingerprint: string | null;
}

export interface StatementColumnOptions {
  /** `DAS_STORE_REDACTED_TEXT`: store only `redactStatement` text (literals never reach the store, the live feed or alerts). */
  redactText?: boolean | undefined;
}

/** A MySQL AUX event's text names an object; only MAIN statements and PostgreSQL events are SQL. */
const isStatement = (event: ActivityEvent): boolean => event.kind === 'record' && event.eventClass !== 'AUX' && event.text !== null;

/** Redacts the text, and the copies of it and the bind values the raw event keeps. */
function redactInPlace(event: ActivityEvent): void {
  const dialect = sqlDialectOf(event.engine);
  if (event.text !== null) event.text = redactStatement(event.text, { dialect });
  const raw = event.raw;
  if (typeof raw.commandText === 'string') raw.commandText = redactStatement(raw.commandText, { dialect });
  // PostgreSQL bind parameters are the literals themselves.
  if (Array.isArray(raw.paramList)) raw.paramList = raw.paramList.map(() => '?');
}

/**
 * Sets `category` and `fingerprint` on the event (in place: the decoded events belong to the
 * batch being stored) and redacts its text when the store keeps only redacted text.
 */
export function deriveStatementColumns<E extends ActivityEvent>(event: E, options: StatementColumnOptions = {}): E & StatementColumns {
  if (options.redactText === true && isStatement(event)) redactInPlace(event);
  const derived = event as E & StatementColumns;
  derived.category = statementCategory(event);
  derived.fingerprint = isStatement(event) ? statementFingerprint(event.text as string, { dialect: sqlDialectOf(event.engine) }) : null;
  return derived;
}
