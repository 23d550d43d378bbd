import { EVENT_FACETS, type ActivityEvent } from '../domain.js';

/** Fields the live view counts values of: every facet of the field table. */
export const FACET_FIELDS = EVENT_FACETS.map((field) => field.name);
export type FacetField = (typeof EVENT_FACETS)[number]['name'];

export interface FacetCount {
  value: string;
  count: number;
}

/** Value counts over the events currently held, kept up to date on add and evict in O(1). */
export class FacetCounter {
  #counts = new Map<FacetField, Map<string, number>>(FACET_FIELDS.map((f) => [f, new Map()]));

  add(event: ActivityEvent): void {
    for (const field of FACET_FIELDS) {
      const value = event[field];
      if (value === null || value === '') continue;
      const counts = this.#counts.get(field)!;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
  }

  remove(event: ActivityEvent): void {
    for (const field of FACET_FIELDS) {
      const value = event[field];
      if (value === null || value === '') continue;
      const counts = this.#counts.get(field)!;
      const next = (counts.get(value) ?? 0) - 1;
      if (next <= 0) counts.delete(value);
      else counts.set(value, next);
    }
  }

  /** The `limit` most frequent values of a field, most frequent first. */
  top(field: FacetField, limit = 6): FacetCount[] {
    const all = [...this.#counts.get(field)!].map(([value, count]) => ({ value, count }));
    all.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return all.slice(0, limit);
  }

  clear(): void {
    for (const counts of this.#counts.values()) counts.clear();
  }
}
