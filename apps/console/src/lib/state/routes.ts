/** The console's screens, addressed by the URL fragment so they never clash with API paths. */
export const ROUTES = [
  { path: '/lab', label: 'Lab' },
  { path: '/keys', label: 'Keys' },
  { path: '/clusters', label: 'Clusters' },
  { path: '/load-runs', label: 'Load runs' },
  { path: '/events/live', label: 'Live events' },
  { path: '/events/history', label: 'Event history' },
  { path: '/dead-letters', label: 'Dead letters' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/alert-rules', label: 'Alert rules' },
  { path: '/fleet', label: 'Fleet' },
] as const;

export type RoutePath = (typeof ROUTES)[number]['path'];

