import Type from 'typebox';
import type { ActivityEvent } from '../activity-event.js';
import { ACTIVITY_EVENT_FIELDS, type ActivityEventFieldName, type EventField } from '../event-fields.js';

function fieldSchema(field: EventField): Type.TSchema {
  const options = field.description === undefined ? {} : { description: field.description };
  const base =
    field.values !== undefined
      ? Type.Union(field.values.map((value) => Type.Literal(value)), options)
      : field.type === 'string'
        ? Type.String(options)
        : field.type === 'integer'
          ? Type.Integer(options)
          : field.type === 'number'
            ? Type.Number(options)
            : field.type === 'boolean'
              ? Type.Boolean(options)
              : Type.Record(Type.String(), Type.Unknown(), options);
  return field.nullable ? Type.Union([base, Type.Null()]) : base;
}

export type ActivityEventProperties = { [K in ActivityEventFieldName]: Type.TUnsafe<ActivityEvent[K]> };

/**
 * The properties of a normalised `ActivityEvent` as TypeBox schemas, in field-table order (the
 * API's `StoredEvent` spreads them); each statically typed as its `ActivityEvent` field.
 */
export const ACTIVITY_EVENT_PROPERTIES = Object.fromEntries(
  ACTIVITY_EVENT_FIELDS.map((field) => [field.name, Type.Unsafe<unknown>(fieldSchema(field))]),
) as ActivityEventProperties;
