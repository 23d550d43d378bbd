import { describe, expect, it } from 'vitest';
import { normaliseEvents } from '@das/core';
import { buildPayload, buildPostgresEvent } from '@das/core/fixtures';
import type { StoredEvent } from '@das/contracts';
import { cutLongText } from './cut-long-text.js';

function stored(fields: Parameters<typeof buildPostgresEvent>[0]): StoredEvent {
  const [event] = normaliseEvents(buildPayload([buildPostgresEvent(fields)]));
  return { ...event!, id: 7, shardId: 'shard-a', sequenceNumber: '1', fingerprint: null };
}

describe('cutLongText', () => {
  it('returns the same event when nothing is longer than the limit', () => {
    const event = stored({ commandText: 'select 1' });
    expect(cutLongText(event, 100)).toBe(event);
  });

  it('cuts the statement, the error, the raw strings and long parameters, names each, and leaves the event it was given alone', () => {
    const long = 'x'.repeat(500);
    const event = stored({ commandText: `select '${long}'`, errorMessage: `bad ${long}`, paramList: ['short', long] });
    const cut = cutLongText(event, 100);
    expect(cut.text).toBe(`select '${long}'`.slice(0, 100) + '…');
    expect(cut.errorMessage).toBe(`bad ${long}`.slice(0, 100) + '…');
    const raw = cut.raw as { commandText: string; paramList: string[]; errorMessage: string };
    expect(raw.commandText).toHaveLength(101);
    expect(raw.paramList).toEqual(['short', `${'x'.repeat(100)}…`]);
    expect(cut.cut).toEqual(expect.arrayContaining(['text', 'errorMessage', 'raw.commandText', 'raw.paramList', 'raw.errorMessage']));
    expect(cut.fingerprint).toBeNull();
    expect(event.text).toBe(`select '${long}'`);
    expect((event.raw as { paramList: string[] }).paramList[1]).toBe(long);
  });
});
