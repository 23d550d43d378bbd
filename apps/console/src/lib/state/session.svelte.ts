import type { ConsoleConfig } from '../api/types.js';

const TOKEN_KEY = 'das.token';

/**
 * The browser session: the bearer token (kept in sessionStorage for this tab's life), the
 * console config from the API, and why the user was sent back to the token screen, if they were.
 */
export class Session {
  token = $state<string | null>(null);
  config = $state.raw<ConsoleConfig | null>(null);
  /** Shown on the token screen, e.g. after a 401. */
  message = $state<string | null>(null);
  /** Refusals in a row of what was typed or linked, so a second wrong token says it was tried. */
  refusals = $state(0);
  #refused = false;
  #storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = sessionStorage) {
    this.#storage = storage;
    this.token = storage.getItem(TOKEN_KEY);
  }

  get signedIn(): boolean {
    return this.token !== null;
  }

  /**
   * Takes a `#token=…` fragment (printed by `npm start`), keeps the token and removes it from the
   * address bar so it does not linger in history or screenshots. Returns true when one was found.
   */
  takeTokenFromFragment(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>): boolean {
    const match = /^#token=([^&]+)/.exec(location.hash);
    if (match === null) return false;
    this.signIn(decodeURIComponent(match[1]!));
    history.replaceState(null, '', `${location.pathname}${location.search}#/lab`);
    return true;
  }

  signIn(token: string): void {
    const trimmed = token.trim();
    if (trimmed === '') return;
    this.token = trimmed;
    this.message = null;
    this.#refused = false;
    this.#storage.setItem(TOKEN_KEY, trimmed);
  }

  /** The API refused the token: back to the token screen, counting the refusal. */
  refuse(message: string): void {
    if (this.#refused) return; // Several calls may fail on the same token: one refusal.
    const refusals = this.refusals + 1;
    this.signOut(message);
    this.refusals = refusals;
    this.#refused = true;
  }

  /** Forgets the token; `message` tells the token screen why. */
  signOut(message: string | null = null): void {
    this.token = null;
    this.refusals = 0;
    this.message = message;
    this.#storage.removeItem(TOKEN_KEY);
  }
}
