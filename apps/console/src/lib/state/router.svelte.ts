import type { RoutePath } from './routes.js';
import { buildHash, groupParams, parseLocation, paramsOf } from './location.js';

export { ROUTES, type RoutePath } from './routes.js';
export { buildHash, parseLocation, titleOf } from './location.js';

type RouterWindow = Pick<Window, 'addEventListener' | 'location' | 'history'>;

/**
 * Hash router: `route` and `query` follow `location.hash`. A view writes its state with `show`,
 * which adds a history entry, so Back and Forward walk through the changes.
 */
export class Router {
  route = $state<RoutePath | null>('/lab');
  path = $state('/lab');
  /** The current screen's parameters, as a canonical query string. */
  query = $state('');
  /** The last address of each screen, so the navigation returns to the view that was left. */
  lastHash = $state<Partial<Record<RoutePath, string>>>({});
  #window: RouterWindow;

  constructor(target: RouterWindow = window) {
    this.#window = target;
    this.read();
    target.addEventListener('hashchange', () => this.read());
    target.addEventListener('popstate', () => this.read());
  }

  /** Follows the address again (after it was replaced without an event, e.g. a `#token=` taken out). */
  read(): void {
    const location = parseLocation(this.#window.location.hash);
    this.route = location.route;
    this.path = location.path;
    this.query = location.query.toString();
    if (location.route !== null) this.lastHash[location.route] = buildHash(location.route, Object.fromEntries(groupParams(location.query)));
  }

  /** Where the navigation link of a screen leads: its last view, or its defaults. */
  linkTo(route: RoutePath): string {
    return this.lastHash[route] ?? `#${route}`;
  }

  get params(): URLSearchParams {
    return paramsOf(this.query);
  }

  /**
   * Puts a view's parameters in the address of the current screen; a new history entry unless
   * `replace` (used when the address only gets its canonical form). No-op when nothing changed.
   */
  show(params: Record<string, string | string[] | undefined>, { replace = false } = {}): void {
    const hash = buildHash(this.path, params);
    if (hash === (this.#window.location.hash || '#/lab')) return;
    const { pathname, search } = this.#window.location;
    if (replace) this.#window.history.replaceState(null, '', `${pathname}${search}${hash}`);
    else this.#window.history.pushState(null, '', `${pathname}${search}${hash}`);
    this.read();
  }
}
