// The page's side of the live socket run in a background thread (live-socket-thread.ts): what
// the two threads tell each other, and a LiveSocket that forwards to the thread.
import type { EventFilter } from '../domain.js';
import { connectLiveSocket, type LiveSocket, type LiveSocketHandlers } from './live-socket.js';
import type { StoredEvent, WorkerStatus } from './types.js';

/** From the page to the thread. */
export type PageMessage =
  | { type: 'open'; workerUrl: string; token: string; filter: EventFilter }
  | { type: 'subscribe'; filter: EventFilter }
  | { type: 'close' };

/** From the thread to the page: one message a handler call. */
export type ThreadMessage =
  | { type: 'events'; events: StoredEvent[]; matched?: number; skipped?: number }
  | { type: 'subscribed' }
  | { type: 'status'; status: WorkerStatus }
  | { type: 'dropped'; count: number }
  | { type: 'open' }
  | { type: 'close'; code: number; reason: string }
  | { type: 'error'; message: string };

/** Calls the handler a thread message stands for. */
export function relayToHandlers(message: ThreadMessage, handlers: LiveSocketHandlers): void {
  switch (message.type) {
    case 'events':
      handlers.onEvents(message.events, message.matched, message.skipped);
      break;
    case 'subscribed':
      handlers.onSubscribed?.();
      break;
    case 'status':
      handlers.onStatus?.(message.status);
      break;
    case 'dropped':
      handlers.onDropped?.(message.count);
      break;
    case 'open':
      handlers.onOpen?.();
      break;
    case 'close':
      handlers.onClose?.(message.code, message.reason);
      break;
    case 'error':
      handlers.onError?.(message.message);
      break;
  }
}

/**
 * Opens the live socket in a background thread when the browser has one: receiving and parsing
 * frames (up to 64 KB statements each during the lab's data load) then never holds up the page,
 * which only takes the parsed events. Elsewhere (jsdom) the socket runs on the page.
 */
export function openLiveSocket(workerUrl: string, token: string, filter: EventFilter, handlers: LiveSocketHandlers): LiveSocket {
  return typeof Worker === 'function' ? openLiveSocketInThread(workerUrl, token, filter, handlers) : connectLiveSocket(workerUrl, token, filter, handlers);
}

/**
 * The live socket in a dedicated thread. Should the thread not start (a policy forbidding workers),
 * the socket opens on the page instead, with the filter last asked for.
 */
export function openLiveSocketInThread(workerUrl: string, token: string, filter: EventFilter, handlers: LiveSocketHandlers): LiveSocket {
  const thread = new Worker(new URL('./live-socket-thread.ts', import.meta.url), { type: 'module', name: 'live-socket' });
  let latest = filter;
  let heard = false;
  let closed = false;
  let fallback: LiveSocket | null = null;
  const post = (message: PageMessage) => thread.postMessage(message);
  thread.addEventListener('message', (event: MessageEvent<ThreadMessage>) => {
    heard = true;
    relayToHandlers(event.data, handlers);
    if (event.data.type === 'close') thread.terminate();
  });
  thread.addEventListener('error', () => {
    if (heard) return;
    thread.terminate();
    if (!closed) fallback = connectLiveSocket(workerUrl, token, latest, handlers);
  });
  post({ type: 'open', workerUrl, token, filter });
  return {
    subscribe(next) {
      latest = next;
      if (fallback !== null) fallback.subscribe(next);
      else post({ type: 'subscribe', filter: next });
    },
    close() {
      closed = true;
      if (fallback !== null) fallback.close();
      else post({ type: 'close' });
    },
  };
}
