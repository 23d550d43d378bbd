import { afterEach, describe, expect, it, vi } from 'vitest';
import { Session } from '../state/session.svelte.js';
import { createBackend, UNAUTHORIZED_MESSAGE } from './backend.js';

function session(token: string | null) {
  const map = new Map<string, string>(token === null ? [] : [['das.token', token]]);
  return new Session({ getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) });
}

afterEach(() => vi.unstubAllGlobals());

describe('createBackend', () => {
  it('signs out with a message when the API answers 401', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ code: 'UNAUTHORIZED', message: 'bad token' }), { status: 401 })));
    const s = session('wrong');
    const backend = createBackend('http://api.test', s);
    await expect(backend.api.listKeys()).rejects.toMatchObject({ status: 401 });
    expect(s.signedIn).toBe(false);
    expect(s.message).toBe(UNAUTHORIZED_MESSAGE);
  });

  it('calls the worker at the URL from the console config, with the same token', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response(JSON.stringify({ events: [], next: null })));
    vi.stubGlobal('fetch', fetch);
    const s = session('tok');
    const backend = createBackend('http://api.test', s);
    expect(() => backend.worker()).toThrow(/not loaded/);
    s.config = { workerUrl: 'http://worker.test:7401', apiVersion: '1', region: 'us-east-1', endpointOverride: false };
    await backend.worker().listEvents({ users: ['app'], exit: 'failed' }, { limit: 10 });
    const [url, init] = fetch.mock.calls[0]!;
    expect(String(url)).toBe('http://worker.test:7401/events?user=app&exitCode=failed&limit=10');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer tok' });
  });
});
