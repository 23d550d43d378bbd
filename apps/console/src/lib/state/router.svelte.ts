/** The console's screens, addressed by the URL fragment so they never clash with API paths. */
export const ROUTES = [
  { path: '/lab', label: 'Lab' },
  { path: '/keys', label: 'Keys' },
  { path: '/clusters', label: 'Clusters' },
  { path: '/load-runs', label: 'Load runs' },
  { path: '/events/live', label: 'Live events' },
  { path: '/events/history', label: 'Event history' },
  { path: '/dead-letters', label: 'Dead letters' },
] as const;

export type RoutePath = (typeof ROUTES)[number]['path'];

/** `#/keys` → `/keys`; anything unknown → `/lab`. */
export function parseRoute(hash: string): RoutePath {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  return ROUTES.find((r) => r.path === path)?.path ?? '/lab';
}

/** Hash router: `route` follows `location.hash`. */
export class Router {
  route = $state<RoutePath>('/lab');

  constructor(target: Pick<Window, 'addEventListener' | 'location'> = window) {
    this.route = parseRoute(target.location.hash);
    target.addEventListener('hashchange', () => {
      this.route = parseRoute(target.location.hash);
    });
  }
}
