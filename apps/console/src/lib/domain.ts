// The one seam between the console and @das/core: the event shape and the filter semantics the
// worker applies too. `@das/core/filter` carries no schema library, so the bundle stays small.
export type { ActivityEvent } from '@das/core/browser';
export { filterFromQuery, filterToQuery, matchesFilter, type EventFilter } from '@das/core/filter';
// The event's fields, labels and facets: @das/core's one table (no typebox in it either).
export { FACET_FIELDS as EVENT_FACETS, fieldLabel, type ActivityEventFieldName } from '@das/core/fields';
