import type { ActivityEvent } from '../activity-event.js';
import { statementCategory, statementVerb, type StatementCategory } from '../statements/statement-category.js';
import type { RuleField } from './alert-rule-schema.js';

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
  #category: StatementCategory | undefined;
  #verb: string | null | undefined;

  reset(event: RuleEvent): void {
    this.event = event;
    this.#category = event.category;
    this.#verb = undefined;
  }

  get category(): StatementCategory {
    return (this.#category ??= statementCategory(this.event));
  }

  /** `DROP TABLE`, `GRANT`, …; null for events without statement text and MySQL AUX events. */
  get verb(): string | null {
    if (this.#verb === undefined) this.#verb = this.event.eventClass === 'AUX' ? null : statementVerb(this.event.command !== null && this.event.engine === 'postgres' ? this.event.command : this.event.text);
    return this.#verb;
  }

  field(name: RuleField): string | null {
    if (name === 'category') return this.category;
    return this.event[name];
  }
}
