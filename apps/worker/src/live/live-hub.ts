import { matchesFilter, type EventFilter } from '@das/core';
import type { LiveServerFrame, StoredEvent, WorkerStatus } from '@das/contracts';

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
  /** Events held per client between flushes; beyond it the oldest are dropped. */
  maxPendingEvents?: number;
  /** Most events per `events` frame. */
  maxEventsPerFrame?: number;
  onDropped?(events: number): void;
}

export interface LiveClientHandle {
  setFilter(filter: EventFilter): void;
  remove(): void;
}

interface Client {
  socket: LiveSocket;
  filter: EventFilter;
  pending: StoredEvent[];
  dropped: number;
}

const OPEN = 1;

/**
 * Fans stored events out to WebSocket clients, each with its own filter and buffer. Publishing
 * only appends to per-client arrays, so a slow client never slows the consumer; a client whose
 * socket is backed up (`bufferedAmount`) has its events dropped and is told how many.
 */
export function createLiveHub(options: LiveHubOptions = {}) {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const maxPending = options.maxPendingEvents ?? 10_000;
  const maxPerFrame = options.maxEventsPerFrame ?? 1000;
  const clients = new Set<Client>();

  function send(client: Client, frame: LiveServerFrame): void {
    if (client.socket.readyState === OPEN) client.socket.send(JSON.stringify(frame));
  }

  function flushClient(client: Client): void {
    if (client.socket.readyState !== OPEN) return;
    if (client.socket.bufferedAmount > maxBuffered) {
      if (client.pending.length > 0) {
        client.dropped += client.pending.length;
        options.onDropped?.(client.pending.length);
        client.pending = [];
      }
      return;
    }
    if (client.dropped > 0) {
      send(client, { type: 'dropped', count: client.dropped });
      client.dropped = 0;
    }
    while (client.pending.length > 0) {
      const events = client.pending.splice(0, maxPerFrame);
      send(client, { type: 'events', events });
    }
  }

  const timer = setInterval(() => {
    for (const client of clients) flushClient(client);
  }, options.flushIntervalMs ?? 100);
  timer.unref();

  return {
    addClient(socket: LiveSocket, filter: EventFilter): LiveClientHandle {
      const client: Client = { socket, filter, pending: [], dropped: 0 };
      clients.add(client);
      return {
        setFilter(next) {
          client.filter = next;
        },
        remove() {
          clients.delete(client);
        },
      };
    },

    publish(events: readonly StoredEvent[]): void {
      for (const client of clients) {
        for (const event of events) {
          if (matchesFilter(event, client.filter)) client.pending.push(event);
        }
        if (client.pending.length > maxPending) {
          const excess = client.pending.length - maxPending;
          client.pending.splice(0, excess);
          client.dropped += excess;
          options.onDropped?.(excess);
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

    /** Sends what is pending now (used at shutdown). */
    flush(): void {
      for (const client of clients) flushClient(client);
    },

    close(): void {
      clearInterval(timer);
      clients.clear();
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
