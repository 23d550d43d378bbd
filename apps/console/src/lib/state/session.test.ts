import { describe, expect, it, vi } from 'vitest';
import { buildHash, parseLocation, titleOf } from './router.svelte.js';
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

describe('parseLocation', () => {
  it('maps hashes to screens with their parameters, and unknown paths to no screen', () => {
    expect(parseLocation('#/events/live').route).toBe('/events/live');
    const history = parseLocation('#/events/history?user=app&cursor=a&cursor=b');
    expect([history.route, history.query.get('user'), history.query.getAll('cursor')]).toEqual(['/events/history', 'app', ['a', 'b']]);
    expect(parseLocation('#/nope')).toMatchObject({ route: null, path: '/nope' });
    expect(parseLocation('').route).toBe('/lab');
  });

  it('builds one canonical address per view and a title per screen', () => {
    expect(buildHash('/events/history', { user: 'app', cursor: ['a', 'b'], range: undefined, q: '' })).toBe('#/events/history?cursor=a&cursor=b&user=app');
    expect(titleOf('/dead-letters')).toBe('Dead letters · DAS Toolkit');
    expect(titleOf('/events/history', 'Event 7')).toBe('Event 7 · Event history · DAS Toolkit');
    expect(titleOf(null)).toBe('Not found · DAS Toolkit');
  });
});

describe('refusals', () => {
  it('counts a token refused again, once per token', () => {
    const session = new Session(memoryStorage());
    session.signIn('wrong-1');
    session.refuse('refused');
    session.refuse('refused');
    expect([session.signedIn, session.refusals]).toEqual([false, 1]);
    session.signIn('wrong-2');
    session.refuse('refused');
    expect(session.refusals).toBe(2);
    session.signOut();
    expect(session.refusals).toBe(0);
  });
});
