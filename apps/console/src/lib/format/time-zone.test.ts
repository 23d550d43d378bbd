import { describe, expect, it } from 'vitest';
import { formatDateTime, formatTime, fromInputValue, spansDays, toInputValue } from './time-zone.js';

describe('time zones', () => {
  it('shows UTC to the millisecond from the ISO text, with the date when asked', () => {
    expect(formatTime('2026-11-25T20:43:51.636563Z', 'utc')).toBe('20:43:51.636');
    expect(formatTime('2026-11-25T20:43:51Z', 'utc', true)).toBe('2026-11-25 20:43:51.000');
    expect(formatDateTime('2026-11-25T20:43:51.636563Z', 'utc')).toBe('2026-11-25 20:43:51.636 UTC');
  });

  it('reads and writes time inputs in the chosen zone', () => {
    expect(fromInputValue('2026-11-25T10:00', 'utc')).toBe('2026-11-25T10:00:00.000Z');
    expect(toInputValue('2026-11-25T10:00:00.000Z', 'utc')).toBe('2026-11-25T10:00:00');
    const local = fromInputValue('2026-11-25T10:00', 'local')!;
    expect(toInputValue(local, 'local')).toBe('2026-11-25T10:00:00');
    expect(fromInputValue('yesterday', 'utc')).toBeNull();
  });

  it('tells when a range spans days', () => {
    expect(spansDays(Date.parse('2026-11-25T01:00:00Z'), Date.parse('2026-11-25T23:00:00Z'), 'utc')).toBe(false);
    expect(spansDays(Date.parse('2026-11-25T01:00:00Z'), Date.parse('2026-11-26T00:00:00Z'), 'utc')).toBe(true);
  });
});
