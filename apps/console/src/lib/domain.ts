// The one seam between the console and @das/core's browser entry: the event shape and the filter
// semantics the worker applies too.
export { filterToQuery, matchesFilter, type ActivityEvent, type EventFilter } from '@das/core/browser';
