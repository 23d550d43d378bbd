import type { Backend } from '../api/backend.js';
import type { Facets, Histogram, StoredEvent } from '../api/types.js';
import type { EventFilter } from '../domain.js';
import { isoTime } from '../format/format.js';
import { describeError } from './errors.js';

export const RANGE_PRESETS = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
  { key: 'all', label: 'All time', ms: null },
  { key: 'custom', label: 'Custom…', ms: null },
] as const;

export type RangeKey = (typeof RANGE_PRESETS)[number]['key'];

/** The Event history screen: a time range and filters over the worker's store, paged by cursor. */
export class HistoryState {
  filter = $state.raw<EventFilter>({});
  range = $state<RangeKey>('1h');
  customFrom = $state('');
  customTo = $state('');
  pageSize = $state(50);
  events = $state.raw<StoredEvent[]>([]);
  facets = $state.raw<Facets | null>(null);
  histogram = $state.raw<Histogram | null>(null);
  /** Cursors of the pages before the current one (for Previous), and of the next. */
  #cursors: (string | undefined)[] = [];
  next = $state<string | null>(null);
  pageNumber = $state(1);
  loading = $state(false);
  error = $state<string | null>(null);
  selected = $state.raw<StoredEvent | null>(null);
  exporting = $state(false);
  #backend: Backend;
  #now: () => number;

  constructor(backend: Backend, now: () => number = () => Date.now()) {
    this.#backend = backend;
    this.#now = now;
  }

  /** The filter with the chosen time range applied. */
  effectiveFilter(): EventFilter {
    const filter: EventFilter = { ...this.filter };
    const preset = RANGE_PRESETS.find((p) => p.key === this.range);
    if (this.range === 'custom') {
      if (this.customFrom !== '') filter.from = isoTime(this.customFrom);
      if (this.customTo !== '') filter.to = isoTime(this.customTo);
    } else if (preset?.ms != null) {
      filter.from = isoTime(this.#now() - preset.ms);
    }
    return filter;
  }

  async #loadPage(cursor: string | undefined): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const worker = this.#backend.worker();
      const filter = this.effectiveFilter();
      const page = await worker.listEvents(filter, { cursor, limit: this.pageSize });
      this.events = page.events;
      this.next = page.next;
      if (cursor === undefined) {
        // Facets and the histogram only decorate the page: their failure leaves the events usable.
        const [facets, histogram] = await Promise.all([worker.facets(filter).catch(() => null), worker.histogram(filter).catch(() => null)]);
        this.facets = facets;
        this.histogram = histogram;
      }
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  /** Runs the search from the first page. */
  search(): Promise<void> {
    this.#cursors = [];
    this.pageNumber = 1;
    this.selected = null;
    return this.#loadPage(undefined);
  }

  async nextPage(): Promise<void> {
    if (this.next === null) return;
    this.#cursors.push(this.next);
    this.pageNumber += 1;
    await this.#loadPage(this.next);
  }

  async previousPage(): Promise<void> {
    if (this.pageNumber <= 1) return;
    this.#cursors.pop();
    this.pageNumber -= 1;
    await this.#loadPage(this.#cursors[this.#cursors.length - 1]);
  }

  setFilter(filter: EventFilter): Promise<void> {
    this.filter = filter;
    return this.search();
  }

  /** Fetches the export (with the bearer header) as a Blob; the page offers it as a download. */
  async exportAs(format: 'ndjson' | 'csv'): Promise<Blob | null> {
    this.exporting = true;
    this.error = null;
    try {
      return await this.#backend.worker().exportEvents(this.effectiveFilter(), format);
    } catch (error) {
      this.error = describeError(error);
      return null;
    } finally {
      this.exporting = false;
    }
  }
}
