// @das/core/fields: the ActivityEvent field table, plain data with no typebox, for bundles that
// only need names, labels and facets (the console).
export {
  ACTIVITY_EVENT_FIELDS,
  FACET_FIELDS,
  fieldLabel,
  type ActivityEventFieldName,
  type ActivityEventShape,
  type EventField,
  type EventFieldFacet,
  type EventFieldType,
} from './event-fields.js';
