import type { Backend } from '../api/backend.js';
import type { Facets, Histogram, StoredEvent } from '../api/types.js';
import type { HistogramGroupBy, TopStatements } from '@das/contracts';
import type { EventFilter } from '../domain.js';
import { isoTime } from '../format/format.js';
import { describeError } from './errors.js';
import { DEFAULT_COLUMNS, LIVE_COLUMNS, type LiveColumn } from './live-events.svelte.js';
import { columnsFromParam, columnsParam, filterFromParams, filterParams, sameFilter, type UrlView, type ViewParams } from './view-params.js';

export const RANGE_PRESETS = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
  { key: 'all', label: 'All time', ms: null },
  { key: 'custom', label: 'Custom…', ms: null },
] as const;

export type RangeKey = (typeof RANGE_PRESETS)[number]['key'];

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const REFRESH_CHOICES = [0, 10, 30, 60] as const;

/** What the chart's bars can be split by (the worker's histogram `groupBy`). */
export const CHART_GROUPS: readonly { key: HistogramGroupBy; label: string }[] = [
  { key: 'command', label: 'command' },
  { key: 'user', label: 'user' },
  { key: 'database', label: 'database' },
  { key: 'host', label: 'client host' },
  { key: 'object', label: 'object' },
  { key: 'category', label: 'statement class' },
];

export type SortOrder = 'asc' | 'desc';

const DEFAULT_RANGE: RangeKey = '1h';
const DEFAULT_PAGE_SIZE = 50;

/** A time range: relative (a preset, measured back from now) or absolute (ISO bounds, UTC). */
export interface TimeRange {
  key: RangeKey;
  /** ISO 8601, only for `custom`. */
  from?: string;
  to?: string;
}

/** Why a custom range cannot be applied, or null when it can. */
export function rangeProblem(range: TimeRange): string | null {
  if (range.key !== 'custom') return null;
  if (range.from === undefined && range.to === undefined) return 'Give a start, an end or both.';
  if (range.from !== undefined && range.to !== undefined && Date.parse(range.from) >= Date.parse(range.to)) return 'The range ends before it starts.';
  return null;
}

/** The Event history screen: a time range and filters over the worker's store, paged by cursor. */
export class HistoryState implements UrlView {
  filter = $state.raw<EventFilter>({});
  /** The most frequent statements (by fingerprint) in the filter, beside the facets. */
  statements = $state.raw<TopStatements | null>(null);
  range = $state.raw<TimeRange>({ key: DEFAULT_RANGE });
  pageSize = $state(DEFAULT_PAGE_SIZE);
  /** Cursors of the pages up to the current one: the last is the current page's, none on page 1. */
  cursors = $state.raw<string[]>([]);
  columns = $state<LiveColumn[]>([...DEFAULT_COLUMNS]);
  /** Time order of the rows: newest first (default) or oldest first. */
  order = $state<SortOrder>('desc');
  /** The field the chart's bars are split by. */
  groupBy = $state<HistogramGroupBy>('command');
  /** Seconds between automatic refreshes of the first page; 0 is off. */
  refreshSeconds = $state(0);
  selectedId = $state<number | null>(null);

  events = $state.raw<StoredEvent[]>([]);
  facets = $state.raw<Facets | null>(null);
  histogram = $state.raw<Histogram | null>(null);
  /** The event opened by id when it is not on the page (a permalink). */
  #fetched = $state.raw<StoredEvent | null>(null);
  next = $state<string | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  exporting = $state(false);
  /** The bounds of the last search, epoch ms (the chart spans them). */
  searchedFrom = $state<number | undefined>(undefined);
  searchedTo = $state<number | undefined>(undefined);
  #backend: Backend;
  #now: () => number;
  #loadedKey: string | null = null;
  #generation = 0;

  constructor(backend: Backend, now: () => number = () => Date.now()) {
    this.#backend = backend;
    this.#now = now;
  }

  get pageNumber(): number {
    return this.cursors.length + 1;
  }

  get selected(): StoredEvent | null {
    if (this.selectedId === null) return null;
    return this.events.find((e) => e.id === this.selectedId) ?? (this.#fetched?.id === this.selectedId ? this.#fetched : null);
  }

  /** The filter with the chosen time range applied, measured from `now` for relative ranges. */
  effectiveFilter(now = this.#now()): EventFilter {
    const filter: EventFilter = { ...this.filter };
    if (this.range.key === 'custom') {
      if (this.range.from !== undefined) filter.from = this.range.from;
      if (this.range.to !== undefined) filter.to = this.range.to;
    } else {
      const preset = RANGE_PRESETS.find((p) => p.key === this.range.key);
      if (preset?.ms != null) filter.from = isoTime(now - preset.ms);
    }
    return filter;
  }

  /** Everything a search depends on; a change means the page must be fetched again. */
  #searchKey(): string {
    return JSON.stringify([this.filter, this.range, this.pageSize, this.cursors, this.order, this.groupBy]);
  }

  viewParams(): ViewParams {
    return {
      ...filterParams(this.filter),
      range: this.range.key === DEFAULT_RANGE ? undefined : this.range.key,
      from: this.range.key === 'custom' ? this.range.from : undefined,
      to: this.range.key === 'custom' ? this.range.to : undefined,
      size: this.pageSize === DEFAULT_PAGE_SIZE ? undefined : String(this.pageSize),
      order: this.order === 'asc' ? 'asc' : undefined,
      groupBy: this.groupBy === 'command' ? undefined : this.groupBy,
      cursor: this.cursors,
      cols: columnsParam(this.columns, DEFAULT_COLUMNS),
      refresh: this.refreshSeconds === 0 ? undefined : String(this.refreshSeconds),
      event: this.selectedId === null ? undefined : String(this.selectedId),
    };
  }

  applyParams(params: URLSearchParams): void {
    const filter = filterFromParams(params);
    if (!sameFilter(filter, this.filter)) this.filter = filter;
    const from = params.get('from') ?? undefined;
    const to = params.get('to') ?? undefined;
    const key = (params.get('range') ?? (from !== undefined || to !== undefined ? 'custom' : DEFAULT_RANGE)) as RangeKey;
    const range: TimeRange = RANGE_PRESETS.some((p) => p.key === key) ? (key === 'custom' ? { key, from: validIso(from), to: validIso(to) } : { key }) : { key: DEFAULT_RANGE };
    if (JSON.stringify(range) !== JSON.stringify(this.range)) this.range = rangeProblem(range) === null ? range : { key: DEFAULT_RANGE };
    const size = Number(params.get('size') ?? DEFAULT_PAGE_SIZE);
    this.pageSize = (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE;
    this.order = params.get('order') === 'asc' ? 'asc' : 'desc';
    const groupBy = params.get('groupBy');
    this.groupBy = CHART_GROUPS.find((g) => g.key === groupBy)?.key ?? 'command';
    const cursors = params.getAll('cursor');
    if (cursors.join('\n') !== this.cursors.join('\n')) this.cursors = cursors;
    this.columns = columnsFromParam(params.get('cols'), LIVE_COLUMNS.map((c) => c.key), DEFAULT_COLUMNS);
    const refresh = Number(params.get('refresh') ?? 0);
    this.refreshSeconds = (REFRESH_CHOICES as readonly number[]).includes(refresh) ? refresh : 0;
    const id = Number(params.get('event'));
    this.selectedId = Number.isSafeInteger(id) && id > 0 ? id : null;
    void this.ensureLoaded();
  }

  titleDetail(): string | undefined {
    return this.selectedId === null ? undefined : `Event ${this.selectedId}`;
  }

  /** Fetches the page (and, on the first page, facets and histogram) unless it is already shown. */
  async ensureLoaded(force = false): Promise<void> {
    const key = this.#searchKey();
    if (!force && key === this.#loadedKey) return this.#ensureSelected();
    this.#loadedKey = key;
    const generation = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const worker = this.#backend.worker();
      const now = this.#now();
      const filter = this.effectiveFilter(now);
      const cursor = this.cursors.at(-1);
      const page = await worker.listEvents(filter, { cursor, limit: this.pageSize, order: this.order });
      if (generation !== this.#generation) return;
      this.events = page.events;
      this.next = page.next;
      this.searchedFrom = filter.from !== undefined ? Date.parse(filter.from) : undefined;
      this.searchedTo = filter.to !== undefined ? Date.parse(filter.to) : this.range.key === 'all' ? undefined : now;
      if (cursor === undefined || this.facets === null || this.histogram?.groupBy !== this.groupBy) {
        // Facets and the histogram only decorate the page: their failure leaves the events usable.
        const [facets, histogram, statements] = await Promise.all([
          worker.facets(filter).catch(() => null),
          worker.histogram(filter, this.groupBy).catch(() => null),
          worker.topStatements(filter).catch(() => null),
        ]);
        if (generation !== this.#generation) return;
        this.facets = facets;
        this.histogram = histogram;
        this.statements = statements;
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      // No stale rows under an error: what is shown must be what the filter asked for.
      this.events = [];
      this.next = null;
      this.facets = null;
      this.histogram = null;
      this.statements = null;
      this.#loadedKey = null;
      this.error = describeError(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
    await this.#ensureSelected();
  }

  /** A permalink's event that is not on the page is fetched by id. */
  async #ensureSelected(): Promise<void> {
    const id = this.selectedId;
    if (id === null || this.selected !== null || this.error !== null) return;
    try {
      const event = await this.#backend.worker().getEvent(id);
      if (this.selectedId === id) this.#fetched = event;
    } catch {
      // The event is gone (or never was): the pane stays closed.
    }
  }

  /** Runs the search again from the first page. */
  search(): Promise<void> {
    this.cursors = [];
    return this.ensureLoaded(true);
  }

  retry(): Promise<void> {
    return this.ensureLoaded(true);
  }

  nextPage(): Promise<void> {
    if (this.next === null) return Promise.resolve();
    this.cursors = [...this.cursors, this.next];
    return this.ensureLoaded();
  }

  previousPage(): Promise<void> {
    if (this.cursors.length === 0) return Promise.resolve();
    this.cursors = this.cursors.slice(0, -1);
    return this.ensureLoaded();
  }

  setFilter(filter: EventFilter): Promise<void> {
    this.filter = filter;
    this.cursors = [];
    return this.ensureLoaded();
  }

  /** Applies a range; refused (returns the reason) when it ends before it starts. */
  setRange(range: TimeRange): string | null {
    const problem = rangeProblem(range);
    if (problem !== null) return problem;
    this.range = range;
    this.cursors = [];
    void this.ensureLoaded(true);
    return null;
  }

  /** Newest first or oldest first, from the first page (a cursor holds one order). */
  setOrder(order: SortOrder): Promise<void> {
    this.order = order;
    this.cursors = [];
    return this.ensureLoaded();
  }

  setGroupBy(groupBy: HistogramGroupBy): Promise<void> {
    this.groupBy = groupBy;
    return this.ensureLoaded();
  }

  setPageSize(size: number): Promise<void> {
    this.pageSize = size;
    this.cursors = [];
    return this.ensureLoaded();
  }

  select(event: StoredEvent | null): void {
    this.selectedId = event?.id ?? null;
  }

  /** Moves the selection by `delta` rows on the page (arrow keys). */
  move(delta: number): void {
    if (this.events.length === 0) return;
    const index = this.events.findIndex((e) => e.id === this.selectedId);
    const nextIndex = index === -1 ? (delta > 0 ? 0 : this.events.length - 1) : Math.min(this.events.length - 1, Math.max(0, index + delta));
    this.selectedId = this.events[nextIndex]!.id;
  }

  setColumns(columns: LiveColumn[]): void {
    this.columns = LIVE_COLUMNS.map((c) => c.key).filter((key) => columns.includes(key));
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

function validIso(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
