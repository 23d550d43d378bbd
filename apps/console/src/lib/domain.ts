// The one seam between the console and @das/core: the event shape and the filter semantics the
// worker applies too. `@das/core/filter` carries no schema library, so the bundle stays small.
export type { ActivityEvent } from '@das/core/browser';
export { filterToQuery, matchesFilter, type EventFilter } from '@das/core/filter';
