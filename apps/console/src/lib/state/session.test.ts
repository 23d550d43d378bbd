import { describe, expect, it, vi } from 'vitest';
import { parseRoute } from './router.svelte.js';
import { Session } from './session.svelte.js';

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k), map };
}

describe('Session', () => {
  it('takes the token from the #token= fragment and removes it from the address bar', () => {
    const storage = memoryStorage();
    const session = new Session(storage);
    const replaceState = vi.fn();
    expect(session.takeTokenFromFragment({ hash: '#token=abc%2B1', pathname: '/', search: '' }, { replaceState })).toBe(true);
    expect(session.token).toBe('abc+1');
    expect(storage.map.get('das.token')).toBe('abc+1');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/#/lab');
  });

  it('keeps the token for the browser session and forgets it on sign-out with a reason', () => {
    const storage = memoryStorage();
    new Session(storage).signIn('  tok  ');
    const again = new Session(storage);
    expect(again.token).toBe('tok');
    again.signOut('The token was refused (401).');
    expect([again.token, again.message, storage.map.size]).toEqual([null, 'The token was refused (401).', 0]);
  });

  it('ignores fragments that carry no token', () => {
    const session = new Session(memoryStorage());
    expect(session.takeTokenFromFragment({ hash: '#/keys', pathname: '/', search: '' }, { replaceState: vi.fn() })).toBe(false);
    expect(session.token).toBeNull();
  });
});

describe('parseRoute', () => {
  it('maps hashes to screens and anything else to the lab', () => {
    expect(parseRoute('#/events/live')).toBe('/events/live');
    expect(parseRoute('#/dead-letters')).toBe('/dead-letters');
    expect(parseRoute('#/nope')).toBe('/lab');
    expect(parseRoute('')).toBe('/lab');
  });
});
