import type { ActivityEvent } from '../activity-event.js';
import { statementCategory, statementVerb, type StatementCategory } from '../statements/statement-category.js';
import type { RuleField } from './alert-rule-schema.js';

/** The text in lower case; the same string (no copy) when it has no upper-case letter. */
export function lowered(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return text.toLowerCase();
  }
  return text;
}

/** How the store names an event (its id); alerts list the ids of the events behind them. */
export type EventRef = number | string;

/**
 * An event as the engine reads it: a normalised event plus, when the store has them, its `id`
 * and its `category` (computed here otherwise).
 */
export type RuleEvent = ActivityEvent & { id?: EventRef; category?: StatementCategory };

/**
 * The event being evaluated, with what several rules ask for computed at most once: the
 * statement category and verb. One instance is reused for every event of a batch.
 */
export class EvaluationContext {
  event!: RuleEvent;
  // Plain fields, not getters' private fields: this object is read for every event and rule.
  private cachedCategory: StatementCategory | undefined;
  private cachedVerb: string | null | undefined;
  private cachedUser: string | null | undefined;

  reset(event: RuleEvent): void {
    this.event = event;
    this.cachedCategory = event.category;
    this.cachedVerb = undefined;
    this.cachedUser = undefined;
  }

  get category(): StatementCategory {
    return (this.cachedCategory ??= statementCategory(this.event));
  }

  /** `DROP TABLE`, `GRANT`, …; null for events without statement text and MySQL AUX events. */
  get verb(): string | null {
    if (this.cachedVerb === undefined) {
      const { eventClass, engine, command, text } = this.event;
      this.cachedVerb = eventClass === 'AUX' ? null : statementVerb(engine === 'postgres' && command !== null ? command : text);
    }
    return this.cachedVerb;
  }

  /** The user in lower case. */
  get user(): string | null {
    if (this.cachedUser === undefined) this.cachedUser = this.event.user === null ? null : lowered(this.event.user);
    return this.cachedUser;
  }

  field(name: RuleField): string | null {
    if (name === 'category') return this.category;
    return this.event[name];
  }
}
