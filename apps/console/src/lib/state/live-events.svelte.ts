import type { Backend } from '../api/backend.js';
import type { LiveSocket } from '../api/live-socket.js';
import type { StoredEvent, WorkerStatus } from '../api/types.js';
import { EVENT_FACETS, fieldLabel, matchesFilter, type ActivityEventFieldName, type EventFilter } from '../domain.js';
import { FacetCounter, type FacetField } from './facet-counter.js';
import { RateSeries } from './rate-series.js';
import { RingBuffer } from './ring-buffer.js';
import { addValue } from './filter-edit.js';
import { columnsFromParam, columnsParam, filterFromParams, filterParams, sameFilter, type UrlView, type ViewParams } from './view-params.js';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closed' | 'error';

export interface LiveEventsOptions {
  /** Where the chosen columns are remembered (localStorage in the browser). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Delay before reconnecting after the worker went away; 0 disables. */
  reconnectMs?: number;
  /** Events held at most; older ones are dropped and counted. */
  capacity?: number;
  /** Schedules the render batch; requestAnimationFrame in the browser. */
  schedule?: (callback: () => void) => void;
  /**
   * Least time between two renders of the table and counters (200 ms in the browser, 1 s while
   * busy; 0 with a custom `schedule`): at thousands of events a second nobody reads rows at 60
   * frames a second, and rendering less often leaves the page free for input.
   */
  renderIntervalMs?: number;
  now?: () => number;
}

/** Rows a live table row can show, in default order. */
const LIVE_COLUMN_KEYS = [
  'time',
  'user',
  'database',
  'command',
  'objectName',
  'text',
  'exitCode',
  'remoteHost',
  'sessionId',
  'rowCount',
  'eventClass',
  'instanceId',
  // PostgreSQL's (pgaudit) statement and substatement ids and the client, and the engine itself.
  'statementId',
  'substatementId',
  'clientApplication',
  'engine',
] as const satisfies readonly ActivityEventFieldName[];

export type LiveColumn = (typeof LIVE_COLUMN_KEYS)[number];

/** The columns offered, labelled by @das/core's field table. */
export const LIVE_COLUMNS = LIVE_COLUMN_KEYS.map((key) => ({ key, label: fieldLabel(key) }));

const COLUMNS_KEY = 'das.liveColumns';

export const DEFAULT_COLUMNS: LiveColumn[] = ['time', 'user', 'database', 'command', 'objectName', 'text', 'exitCode'];

function defaultSchedule(callback: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
}

/**
 * The live event view's state. Incoming events go straight into a bounded ring buffer (so memory
 * stays capped even in a hidden tab); the reactive counters and `version` move once per animation
 * frame, so the table renders per frame, not per event. `received` is the worker's own count of
 * every event that matched; above its rate cap the worker sends a sample and counts the rest as
 * skipped. Invariant: `shown + dropped + skipped === received`.
 */
export class LiveEvents implements UrlView {
  readonly buffer: RingBuffer<StoredEvent>;
  readonly facets = new FacetCounter();
  readonly rates = new RateSeries();

  /** Bumped once per rendered batch; components read it to re-derive rows. */
  version = $state(0);
  /** Bumped at most every 2 s: facets and the rate figure follow this, not every render. */
  slowVersion = $state(0);
  received = $state(0);
  shown = $state(0);
  dropped = $state(0);
  /** Events the worker matched but did not send: sampled out above the rate cap, or dropped because we were too slow. */
  serverDropped = $state(0);
  /** Matching events per second, by the worker's count (the one rate figure of the page). */
  rate = $state(0);
  /** Share of the matching events the table gets (1 = all of them), over the last seconds. */
  sampled = $state(1);
  /** While paused, the view stays on what was there; new events are still kept. */
  paused = $state(false);
  /** Absolute end of the view while paused. */
  pausedEnd = $state(0);
  connection = $state<ConnectionState>('idle');
  error = $state<string | null>(null);
  status = $state.raw<WorkerStatus | null>(null);
  filter = $state.raw<EventFilter>({});
  selected = $state.raw<StoredEvent | null>(null);
  /**
   * What the detail pane shows: the selected event, replaced by the stored one once loaded when
   * the live frame cut its texts (`cut`); `detailError` says why the whole one could not be had.
   */
  detail = $state.raw<StoredEvent | null>(null);
  detailError = $state<string | null>(null);
  columns = $state<LiveColumn[]>([...DEFAULT_COLUMNS]);

  /** The columns remembered in this browser, used when the address names none. */
  #savedColumns: LiveColumn[] = [...DEFAULT_COLUMNS];
  /** Times the buffer was rebuilt (filter, Clear), and its end right after the last rebuild. */
  rebuilds = 0;
  rebuiltEnd = 0;
  #received = 0;
  #dropped = 0;
  #skipped = 0;
  /** Between a new filter and the worker's `subscribed`: frames still follow the old filter, counted here one by one. */
  #resubscribing = false;
  /** Events that reached the table per second (for the sampled share). */
  readonly #tableRates = new RateSeries(10);
  #lastSlow = -Infinity;
  #slowIntervalMs = 2000;
  #scheduled = false;
  #lastFlush = -Infinity;
  #endAtFlush = 0;
  #renderIntervalMs: number;
  #socket: LiveSocket | null = null;
  #backend: Backend | null;
  #schedule: (callback: () => void) => void;
  #now: () => number;
  #storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  #reconnectMs: number;
  /** True between connect() and disconnect(): an unexpected close is retried. */
  #wanted = false;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(backend: Backend | null, options: LiveEventsOptions = {}) {
    this.#backend = backend;
    this.buffer = new RingBuffer(options.capacity ?? 50_000);
    this.#schedule = options.schedule ?? defaultSchedule;
    this.#renderIntervalMs = options.renderIntervalMs ?? (options.schedule === undefined ? 200 : 0);
    this.#now = options.now ?? (() => Date.now());
    this.#storage = options.storage !== undefined ? options.storage : typeof localStorage === 'undefined' ? null : localStorage;
    this.#reconnectMs = options.reconnectMs ?? 3000;
    const saved = this.#storage?.getItem(COLUMNS_KEY);
    if (saved) {
      try {
        const keys = JSON.parse(saved) as string[];
        const known = LIVE_COLUMNS.map((c) => c.key).filter((k) => keys.includes(k));
        if (known.length > 0) this.columns = this.#savedColumns = known;
      } catch {
        // A damaged preference falls back to the default columns.
      }
    }
  }

  /** Events the view shows: absolute range [start, end) of the buffer. */
  get viewStart(): number {
    void this.version;
    return this.buffer.start;
  }

  get viewEnd(): number {
    void this.version;
    return this.paused ? Math.max(this.pausedEnd, this.buffer.start) : this.buffer.end;
  }

  /** Kept but not yet in the view because the view is paused. */
  get pendingWhilePaused(): number {
    void this.version;
    return this.paused ? this.buffer.end - this.viewEnd : 0;
  }

  /**
   * Takes a frame off the wire: buffer, facets, rates now; rendering on the next frame. `matched`
   * is the worker's count of the events this frame stands for (more than `events` when it sampled).
   */
  ingest(events: readonly StoredEvent[], matched = events.length, skipped = 0): void {
    const now = this.#now();
    const filter = this.filter;
    // Frames sent before a new subscription took effect follow the old filter: only what matches the new one counts.
    const local = this.#resubscribing;
    const weight = !local && events.length > 0 ? matched / events.length : 1;
    let kept = 0;
    for (const event of events) {
      if (!matchesFilter(event, filter)) continue;
      kept += 1;
      const evicted = this.buffer.push(event);
      if (evicted !== undefined) {
        this.#dropped += 1;
        this.facets.remove(evicted);
      }
      this.facets.add(event);
      this.rates.add(event.command, now, weight);
    }
    this.#tableRates.add('table', now, kept);
    if (local) this.#received += kept;
    else {
      // Events the worker sent that the filter here refuses (a frame from before a filter change) are not counted.
      this.#received += Math.max(kept, matched - (events.length - kept));
      this.#skipped += skipped;
      // Matches the worker counted but sent none of: they still count in the rate.
      if (events.length === 0 && matched > 0) this.rates.add('(sampled out)', now, matched);
      this.#matchRates.add('matched', now, matched);
    }
    this.#requestRender();
  }

  /** The worker now applies the new filter: its counts are exact again. */
  subscribed(): void {
    this.#resubscribing = false;
  }

  readonly #matchRates = new RateSeries(10);

  #requestRender(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A busy stream (over 20 rows for the table since the last render) renders once a second: each
    // render lays out and paints every visible row again, and on a machine loaded by the lab (the
    // database, the load, the worker) that was most of the page's time; nobody reads rows moving faster.
    const busy = this.#renderIntervalMs > 0 && this.buffer.end - this.#endAtFlush > 20;
    const wait = this.#lastFlush + (busy ? Math.max(1000, this.#renderIntervalMs) : this.#renderIntervalMs) - this.#now();
    if (wait > 0) setTimeout(() => this.#schedule(() => this.flush()), wait);
    else this.#schedule(() => this.flush());
  }

  /** Publishes the counters and bumps `version` (runs once per animation frame). */
  flush(): void {
    this.#scheduled = false;
    this.#lastFlush = this.#now();
    this.#endAtFlush = this.buffer.end;
    this.received = this.#received;
    this.dropped = this.#dropped;
    this.serverDropped = this.#skipped;
    this.shown = this.buffer.size;
    this.version += 1;
    const now = this.#now();
    if (now - this.#lastSlow >= this.#slowIntervalMs) {
      this.#lastSlow = now;
      this.slowVersion += 1;
      const rate = this.#matchRates.perSecond(now);
      this.rate = rate;
      this.sampled = rate > 0 ? Math.min(1, this.#tableRates.perSecond(now) / rate) : 1;
    }
  }

  /** Connects to the worker's live socket with the current filter. */
  connect(): void {
    if (this.#backend === null || this.#socket !== null) return;
    this.#wanted = true;
    clearTimeout(this.#retry);
    this.connection = 'connecting';
    this.error = null;
    try {
      this.#socket = this.#backend.openLive(this.filter, {
        onOpen: () => {
          this.connection = 'open';
        },
        onEvents: (events, matched, skipped) => this.ingest(events, matched, skipped),
        onSubscribed: () => this.subscribed(),
        onStatus: (status) => {
          this.status = status;
        },
        onDropped: (count) => {
          // Too slow a reader: the worker matched these and could not send them.
          this.#received += count;
          this.#skipped += count;
          this.#requestRender();
        },
        onError: (message) => {
          this.error = message;
        },
        onClose: (code, reason) => {
          this.#socket = null;
          this.connection = code === 1000 ? 'closed' : 'error';
          if (code !== 1000 && this.error === null) this.error = reason || `The live connection closed (code ${code}).`;
          // The worker restarting should not need a click: try again while the view wants events.
          if (code !== 1000 && this.#wanted && this.#reconnectMs > 0) {
            this.#retry = setTimeout(() => {
              if (this.#wanted) this.connect();
            }, this.#reconnectMs);
          }
        },
      });
    } catch (cause) {
      this.connection = 'error';
      this.error = cause instanceof Error ? cause.message : String(cause);
    }
  }

  disconnect(): void {
    this.#wanted = false;
    clearTimeout(this.#retry);
    this.#socket?.close();
    this.#socket = null;
    this.connection = 'closed';
  }

  get connected(): boolean {
    return this.#socket !== null;
  }

  pause(): void {
    if (this.paused) return;
    this.pausedEnd = this.buffer.end;
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /**
   * Applies a new filter: the worker is told, and the events held that still match are kept and
   * become the new baseline (received = shown, dropped = 0), so the counter stays exact.
   */
  setFilter(filter: EventFilter): void {
    this.filter = filter;
    if (this.#socket !== null) {
      this.#socket.subscribe(filter);
      this.#resubscribing = true;
    }
    const kept = this.buffer.toArray().filter((event) => matchesFilter(event, filter));
    this.buffer.clear();
    this.facets.clear();
    for (const event of kept) {
      this.buffer.push(event);
      this.facets.add(event);
    }
    this.#received = kept.length;
    this.#dropped = 0;
    // All counters start again together: what the worker skipped and the rate were for the old filter.
    this.#skipped = 0;
    this.#resetRates();
    this.pausedEnd = this.buffer.end;
    this.#rebuilt();
    if (this.selected !== null && !matchesFilter(this.selected, filter)) this.select(null);
    this.#lastSlow = -Infinity;
    this.flush();
  }

  #resetRates(): void {
    this.rates.clear();
    this.#matchRates.clear();
    this.#tableRates.clear();
    this.rate = 0;
    this.sampled = 1;
  }

  /** Adds one value to a list criterion of the filter (from a facet click), or excludes it. */
  addToFilter(field: FacetField, value: string, mode: 'include' | 'exclude' = 'include'): void {
    const key = EVENT_FACETS.find((f) => f.name === field)?.facet.key;
    if (key === undefined) return;
    const next = addValue(this.filter, key, value, mode);
    if (!sameFilter(next, this.filter)) this.setFilter(next);
  }

  /** Forgets everything held and zeroes the counters. */
  clear(): void {
    this.buffer.clear();
    this.facets.clear();
    this.rates.clear();
    this.#received = 0;
    this.#dropped = 0;
    this.#skipped = 0;
    this.#resetRates();
    this.pausedEnd = 0;
    this.#rebuilt();
    this.select(null);
    this.#lastSlow = -Infinity;
    this.flush();
  }

  viewParams(): ViewParams {
    return { ...filterParams(this.filter), cols: columnsParam(this.columns, DEFAULT_COLUMNS), event: this.selected === null ? undefined : String(this.selected.id) };
  }

  applyParams(params: URLSearchParams): void {
    const filter = filterFromParams(params);
    if (!sameFilter(filter, this.filter)) this.setFilter(filter);
    const columns = params.has('cols') ? columnsFromParam(params.get('cols'), LIVE_COLUMNS.map((c) => c.key), DEFAULT_COLUMNS) : this.#savedColumns;
    if (columns.join(',') !== this.columns.join(',')) this.columns = columns;
    const id = Number(params.get('event'));
    if (!Number.isSafeInteger(id) || id <= 0) this.select(null);
    else if (this.selected?.id !== id) void this.#openById(id);
  }

  titleDetail(): string | undefined {
    return this.selected === null ? undefined : `Event ${this.selected.id}`;
  }

  /** An address naming an event: the one held, else the stored one from the worker. */
  async #openById(id: number): Promise<void> {
    const held = this.buffer.toArray().find((event) => event.id === id);
    if (held !== undefined) {
      this.select(held);
      return;
    }
    try {
      const stored = await this.#backend?.worker().getEvent(id);
      if (stored !== undefined) this.select(stored);
    } catch {
      // Gone from the store (or never stored): nothing to open.
    }
  }

  #rebuilt(): void {
    this.rebuilds += 1;
    this.rebuiltEnd = this.buffer.end;
  }

  select(event: StoredEvent | null): void {
    if (event === this.selected) return;
    this.selected = event;
    this.detail = event;
    this.detailError = null;
    if (event?.cut !== undefined && event.cut.length > 0) void this.#loadWhole(event);
  }

  /** The stored event in place of one whose texts the live frame cut; the cut one stays if it cannot be had. */
  async #loadWhole(event: StoredEvent): Promise<void> {
    try {
      const whole = await this.#backend?.worker().getEvent(event.id);
      if (whole !== undefined && this.selected === event) this.detail = whole;
    } catch (cause) {
      if (this.selected === event) this.detailError = cause instanceof Error ? cause.message : String(cause);
    }
  }

  setColumns(columns: LiveColumn[]): void {
    this.columns = this.#savedColumns = LIVE_COLUMNS.map((c) => c.key).filter((key) => columns.includes(key));
    this.#storage?.setItem(COLUMNS_KEY, JSON.stringify(this.columns));
  }
}
