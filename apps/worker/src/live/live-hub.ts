import { matchesFilter, type EventFilter } from '@das/core';
import { LIVE_MAX_RATE, type LiveServerFrame, type StoredEvent, type WorkerStatus } from '@das/contracts';
import { cutLongText } from './cut-long-text.js';

/** The part of a WebSocket the hub needs (the `ws` socket satisfies it). */
export interface LiveSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(data: string): void;
}

export interface LiveHubOptions {
  /** How often pending events are sent as one frame (ms). */
  flushIntervalMs?: number;
  /** A client whose socket holds more unsent bytes than this gets no frames until it drains. */
  maxBufferedBytes?: number;
  /** Events held per client between flushes (a uniform sample of what matched); at most its rate cap. */
  maxPendingEvents?: number;
  /** A subscription's rate cap when it names none (events per second; default LIVE_MAX_RATE). */
  defaultMaxRate?: number;
  /** Most events per `events` frame. */
  maxEventsPerFrame?: number;
  onDropped?(events: number): void;
}

/**
 * What a subscription asks of its frames: at most `maxRate` events a second, a frame at most every
 * `intervalMs`, texts cut to `maxTextChars`.
 */
export interface LiveLimits {
  maxRate?: number | undefined;
  intervalMs?: number | undefined;
  maxTextChars?: number | undefined;
}

export interface LiveClientHandle {
  /** Replaces the filter and, when given, the limits. */
  setFilter(filter: EventFilter, limits?: LiveLimits): void;
  remove(): void;
}

interface Client {
  socket: LiveSocket;
  filter: EventFilter;
  maxRate: number;
  intervalMs: number;
  /** Texts longer than this are cut in frames; Infinity sends them whole. */
  maxTextChars: number;
  lastFrameMs: number;
  /** A uniform sample (reservoir) of the events matched since the last frame. */
  pending: StoredEvent[];
  /** Events matched since the last frame (the worker's own count, sampled or not). */
  matched: number;
  dropped: number;
  /** Token bucket of the rate cap: events that may be sent now (at most a second's worth), refilled at the cap. */
  tokens: number;
  refilledAtMs: number;
}

const OPEN = 1;

/** `count` items spread evenly over `list` (in its order). */
function spread<T>(list: readonly T[], count: number): T[] {
  if (count >= list.length) return [...list];
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * list.length) / count)] as T);
}

/**
 * Fans stored events out to WebSocket clients, each with its own filter, rate cap and buffer.
 * Publishing only counts and samples into per-client buffers, so a slow client never slows the
 * consumer. Each client gets at most its cap of events per second (a token bucket: a second's
 * worth at once after a rest, then the cap spread over the flushes), an even sample of what
 * matched, in store order; every frame says how many events matched and how many were skipped. A
 * client whose socket is backed up (`bufferedAmount`) has its events dropped and is told how many.
 */
export function createLiveHub(options: LiveHubOptions = {}) {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const maxPending = options.maxPendingEvents ?? 10_000;
  const maxPerFrame = options.maxEventsPerFrame ?? 1000;
  const flushIntervalMs = options.flushIntervalMs ?? 100;
  const defaultMaxRate = options.defaultMaxRate ?? LIVE_MAX_RATE;
  const clients = new Set<Client>();
  const rateOf = (maxRate: number | undefined) => Math.max(1, Math.min(LIVE_MAX_RATE, Math.trunc(maxRate ?? defaultMaxRate)));

  function send(client: Client, frame: LiveServerFrame): void {
    if (client.socket.readyState === OPEN) client.socket.send(JSON.stringify(frame));
  }

  /** Events this client may be sent now: a burst of up to a second's worth after a rest, then the cap spread over the flushes. */
  function allowance(client: Client, nowMs: number): number {
    client.tokens = Math.min(client.maxRate, client.tokens + (client.maxRate * Math.max(0, nowMs - client.refilledAtMs)) / 1000);
    client.refilledAtMs = nowMs;
    return Math.floor(client.tokens);
  }

  function flushClient(client: Client, force = false): void {
    if (client.socket.readyState !== OPEN) return;
    const nowMs = Date.now();
    if (client.socket.bufferedAmount > maxBuffered) {
      if (client.matched > 0) {
        client.dropped += client.matched;
        options.onDropped?.(client.matched);
        client.pending = [];
        client.matched = 0;
      }
      return;
    }
    if (client.dropped > 0) {
      send(client, { type: 'dropped', count: client.dropped });
      client.dropped = 0;
    }
    // A subscription that asked for fewer frames gets one once its interval is (about) over.
    const due = force || nowMs - client.lastFrameMs >= client.intervalMs - flushIntervalMs / 2;
    if (client.matched > 0 && due) {
      client.lastFrameMs = nowMs;
      const held = client.pending.sort((a, b) => a.id - b.id);
      const sample = spread(held, allowance(client, nowMs));
      const events = Number.isFinite(client.maxTextChars) ? sample.map((event) => cutLongText(event, client.maxTextChars)) : sample;
      const matched = client.matched;
      client.pending = [];
      client.matched = 0;
      client.tokens -= events.length;
      // The counts ride on the first frame of the flush.
      let skipped = matched - events.length;
      let counted = matched;
      for (let i = 0; i === 0 || i < events.length; i += maxPerFrame) {
        send(client, { type: 'events', events: events.slice(i, i + maxPerFrame), matched: counted, skipped });
        counted = 0;
        skipped = 0;
      }
    }
  }

  const timer = setInterval(() => {
    for (const client of clients) flushClient(client);
  }, flushIntervalMs);
  timer.unref();

  return {
    addClient(socket: LiveSocket, filter: EventFilter, limits: LiveLimits = {}): LiveClientHandle {
      const rate = rateOf(limits.maxRate);
      const client: Client = {
        socket,
        filter,
        maxRate: rate,
        intervalMs: limits.intervalMs ?? 0,
        maxTextChars: limits.maxTextChars ?? Infinity,
        lastFrameMs: 0,
        pending: [],
        matched: 0,
        dropped: 0,
        tokens: rate,
        refilledAtMs: Date.now(),
      };
      clients.add(client);
      return {
        setFilter(next, nextLimits = {}) {
          client.filter = next;
          if (nextLimits.maxRate !== undefined) client.maxRate = rateOf(nextLimits.maxRate);
          if (nextLimits.intervalMs !== undefined) client.intervalMs = nextLimits.intervalMs;
          if (nextLimits.maxTextChars !== undefined) client.maxTextChars = nextLimits.maxTextChars;
        },
        remove() {
          clients.delete(client);
        },
      };
    },

    publish(events: readonly StoredEvent[]): void {
      for (const client of clients) {
        // Reservoir sampling: what is held stays a uniform sample of everything matched, in bounded memory.
        const capacity = Math.min(maxPending, client.maxRate);
        for (const event of events) {
          if (!matchesFilter(event, client.filter)) continue;
          client.matched += 1;
          if (client.pending.length < capacity) client.pending.push(event);
          else {
            const slot = Math.floor(Math.random() * client.matched);
            if (slot < capacity) client.pending[slot] = event;
          }
        }
      }
    },

    /** Sends a status frame to every client that is keeping up. */
    broadcastStatus(status: WorkerStatus): void {
      for (const client of clients) {
        if (client.socket.bufferedAmount <= maxBuffered) send(client, { type: 'status', status });
      }
    },

    get clientCount(): number {
      return clients.size;
    },

    /** Sends what is pending now, whatever the intervals asked (used at shutdown). */
    flush(): void {
      for (const client of clients) flushClient(client, true);
    },

    close(): void {
      clearInterval(timer);
      clients.clear();
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
