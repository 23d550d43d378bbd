import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeEvent } from '../testing/events.js';
import type { LiveSocketHandlers } from './live-socket.js';
import { openLiveSocket, type PageMessage, type ThreadMessage } from './live-socket-relay.js';

/** A stand-in for the browser's Worker: records what the page posts, lets the test speak for the thread. */
class FakeThread extends EventTarget {
  static last: FakeThread | undefined;
  readonly posted: PageMessage[] = [];
  terminated = false;
  constructor(readonly url: URL) {
    super();
    FakeThread.last = this;
  }
  postMessage(message: PageMessage): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  say(message: ThreadMessage): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
}

/** A stand-in for WebSocket, for the fallback on the page. */
class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static last: FakeSocket | undefined;
  readyState = FakeSocket.CONNECTING;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    super();
    FakeSocket.last = this;
  }
  send(): void {}
  close(): void {}
}

function recordingHandlers() {
  const calls: unknown[][] = [];
  const handlers: LiveSocketHandlers = {
    onEvents: (...args) => calls.push(['events', ...args]),
    onSubscribed: () => calls.push(['subscribed']),
    onStatus: (status) => calls.push(['status', status.state]),
    onDropped: (count) => calls.push(['dropped', count]),
    onOpen: () => calls.push(['open']),
    onClose: (code, reason) => calls.push(['close', code, reason]),
    onError: (message) => calls.push(['error', message]),
  };
  return { calls, handlers };
}

afterEach(() => vi.unstubAllGlobals());

describe('the live socket in a background thread', () => {
  it('opens the socket in the thread and hands each frame it parsed to the page', () => {
    vi.stubGlobal('Worker', FakeThread);
    const { calls, handlers } = recordingHandlers();
    const socket = openLiveSocket('http://127.0.0.1:9999', 'secret', { users: ['app'] }, handlers);
    const thread = FakeThread.last!;
    expect(thread.url.pathname).toMatch(/live-socket-thread/);
    expect(thread.posted).toEqual([{ type: 'open', workerUrl: 'http://127.0.0.1:9999', token: 'secret', filter: { users: ['app'] } }]);

    const events = [makeEvent(1), makeEvent(2)];
    thread.say({ type: 'open' });
    thread.say({ type: 'events', events, matched: 5, skipped: 3 });
    thread.say({ type: 'dropped', count: 4 });
    thread.say({ type: 'subscribed' });
    expect(calls).toEqual([['open'], ['events', events, 5, 3], ['dropped', 4], ['subscribed']]);

    socket.subscribe({ commands: ['QUERY'] });
    socket.close();
    expect(thread.posted.slice(1)).toEqual([{ type: 'subscribe', filter: { commands: ['QUERY'] } }, { type: 'close' }]);
    // The thread reports the socket closed, then it is ended.
    thread.say({ type: 'close', code: 1000, reason: 'closed by the console' });
    expect(calls.at(-1)).toEqual(['close', 1000, 'closed by the console']);
    expect(thread.terminated).toBe(true);
  });

  it('opens the socket on the page, with the latest filter, when the thread cannot start', () => {
    vi.stubGlobal('Worker', FakeThread);
    vi.stubGlobal('WebSocket', FakeSocket);
    const { handlers } = recordingHandlers();
    const socket = openLiveSocket('http://127.0.0.1:9999', 'secret', {}, handlers);
    socket.subscribe({ users: ['report'] });
    FakeThread.last!.dispatchEvent(new Event('error'));
    expect(FakeThread.last!.terminated).toBe(true);
    const page = FakeSocket.last!;
    expect(page.url).toContain('user=report');
    expect(page.url).not.toContain('secret');
    expect(page.protocols.some((p) => p.endsWith('secret'))).toBe(true);
  });
});
