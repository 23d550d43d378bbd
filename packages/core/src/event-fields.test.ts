import { Value } from 'typebox/value';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { buildMysqlEvent, buildPayload } from './fixtures/builders.js';
import { ACTIVITY_EVENT_FIELDS, FACET_FIELDS, fieldLabel } from './event-fields.js';
import { normaliseEvents } from './normalise.js';
import { ACTIVITY_EVENT_PROPERTIES } from './schemas/activity-event.js';

describe('the ActivityEvent field table', () => {
  const [event] = normaliseEvents(buildPayload([buildMysqlEvent({ dbUserName: 'app' })]));

  it('names exactly the fields normaliseEvents produces, in table order', () => {
    expect(Object.keys(event!)).toEqual(ACTIVITY_EVENT_FIELDS.map((field) => field.name));
  });

  it('gives a schema a normalised event passes and a wrong type fails', () => {
    const schema = Type.Object(ACTIVITY_EVENT_PROPERTIES, { additionalProperties: false });
    expect(Value.Check(schema, event)).toBe(true);
    expect(Value.Check(schema, { ...event, engine: 'oracle' })).toBe(false);
    expect(Value.Check(schema, { ...event, pid: 1.5 })).toBe(false);
    expect(Value.Check(schema, { ...event, user: null })).toBe(true);
    expect(Value.Check(schema, { ...event, time: null })).toBe(false);
  });

  it('lists the facets with their filter keys and labels', () => {
    expect(FACET_FIELDS.map((field) => [field.name, field.facet.key, field.facet.stored])).toEqual([
      ['user', 'users', true],
      ['database', 'databases', true],
      ['command', 'commands', true],
      ['eventClass', 'classes', true],
      ['objectName', 'objects', true],
      ['remoteHost', 'hosts', true],
    ]);
    expect(fieldLabel('objectName')).toBe('Object');
  });
});
