// @das/core/filter: matching events against a filter and moving filters through URLs. No schema
// and no typebox, for bundles that only filter (the console); validation is in @das/core/browser.
export { compileFilter, matchesFilter, RDS_HOUSEKEEPING_USERS, type EventFilter } from './filters/event-filter.js';
export { FilterQueryError, filterFromQuery, filterToQuery } from './filters/filter-query.js';
