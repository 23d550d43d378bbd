// The worker's live event WebSocket: the token as a subprotocol (never in the URL), filter as query + `subscribe` frames.
import { LIVE_SUBPROTOCOL, LIVE_TOKEN_SUBPROTOCOL_PREFIX } from '@das/contracts/live-protocol';
import { filterToQuery, type EventFilter } from '../domain.js';
import type { LiveClientFrame, LiveServerFrame, StoredEvent, WorkerStatus } from './types.js';

/** Events per second the console asks the worker for at most: beyond it the worker sends a sample and counts the rest. */
export const LIVE_TABLE_RATE = 100;
/** A frame at most this often: the table renders once a second while busy, and each message is a task for a loaded machine. */
export const LIVE_FRAME_INTERVAL_MS = 500;
/**
 * Texts longer than this arrive cut (the event says so in `cut`): a cell shows 300 characters, and
 * a data load's 64 KB INSERTs, sent whole, were most of what the page received, parsed and freed.
 * The detail pane loads the whole event when a cut one is opened.
 */
export const LIVE_TEXT_CHARS = 2000;

export interface LiveSocketHandlers {
  /** A frame of events: `matched` is the worker's count of every match since its last frame, `skipped` those it left out (rate cap). */
  onEvents: (events: StoredEvent[], matched?: number, skipped?: number) => void;
  /** The worker applies the filter last sent from now on. */
  onSubscribed?: () => void;
  onStatus?: (status: WorkerStatus) => void;
  onDropped?: (count: number) => void;
  onOpen?: () => void;
  /** `code` 1008/4401 mean the token was refused. */
  onClose?: (code: number, reason: string) => void;
  onError?: (message: string) => void;
}

/** A live connection; `subscribe` changes the server-side filter without reconnecting. */
export interface LiveSocket {
  subscribe(filter: EventFilter): void;
  close(): void;
}

/** The `ws://…/events/live?<filter>` URL for a worker base URL; the token is not part of it. */
export function liveUrl(workerUrl: string, filter: EventFilter, maxRate = LIVE_TABLE_RATE): string {
  const url = new URL(workerUrl.replace(/\/$/, '') + '/events/live');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [key, value] of Object.entries(filterToQuery(filter))) url.searchParams.set(key, value);
  url.searchParams.set('maxRate', String(maxRate));
  url.searchParams.set('intervalMs', String(LIVE_FRAME_INTERVAL_MS));
  url.searchParams.set('maxTextChars', String(LIVE_TEXT_CHARS));
  return url.toString();
}

/** The live socket on the calling thread (see live-socket-relay.ts for the page's). Frames are parsed here; handlers receive typed data. */
export function connectLiveSocket(workerUrl: string, token: string, filter: EventFilter, handlers: LiveSocketHandlers): LiveSocket {
  const socket = new WebSocket(liveUrl(workerUrl, filter), [LIVE_SUBPROTOCOL, `${LIVE_TOKEN_SUBPROTOCOL_PREFIX}${token}`]);
  // A filter changed while connecting is sent once the socket opens.
  let pending: EventFilter | undefined;
  const send = (next: EventFilter) => {
    // The worker takes the filter in its query-parameter form, as on the URL.
    const frame: LiveClientFrame = { type: 'subscribe', filter: filterToQuery(next) as LiveClientFrame['filter'], maxRate: LIVE_TABLE_RATE, intervalMs: LIVE_FRAME_INTERVAL_MS, maxTextChars: LIVE_TEXT_CHARS };
    socket.send(JSON.stringify(frame));
  };
  socket.addEventListener('open', () => {
    if (pending !== undefined) send(pending);
    pending = undefined;
    handlers.onOpen?.();
  });
  socket.addEventListener('message', (message: MessageEvent<unknown>) => {
    if (typeof message.data !== 'string') return;
    let frame: LiveServerFrame;
    try {
      frame = JSON.parse(message.data) as LiveServerFrame;
    } catch {
      handlers.onError?.('The worker sent a frame that is not JSON');
      return;
    }
    switch (frame.type) {
      case 'events':
        handlers.onEvents(frame.events, frame.matched, frame.skipped);
        break;
      case 'status':
        handlers.onStatus?.(frame.status);
        break;
      case 'dropped':
        handlers.onDropped?.(frame.count);
        break;
      case 'error':
        handlers.onError?.(`${frame.message} (${frame.code})`);
        break;
      case 'subscribed':
        handlers.onSubscribed?.();
        break;
    }
  });
  socket.addEventListener('error', () => handlers.onError?.(`Cannot connect to the worker at ${workerUrl}`));
  socket.addEventListener('close', (event) => handlers.onClose?.(event.code, event.reason));
  return {
    subscribe(next) {
      if (socket.readyState === WebSocket.CONNECTING) pending = next;
      else if (socket.readyState === WebSocket.OPEN) send(next);
    },
    close: () => socket.close(1000, 'closed by the console'),
  };
}
