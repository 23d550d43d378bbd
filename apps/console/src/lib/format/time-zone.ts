// Times as the console shows and reads them: UTC by default, or the browser's zone when chosen.
// Event times carry microseconds, so UTC is cut from the ISO text rather than a Date.

export type TimeZoneName = 'utc' | 'local';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Wall-clock parts of an instant in the zone. */
function parts(ms: number, zone: TimeZoneName) {
  const d = new Date(ms);
  return zone === 'utc'
    ? { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds() }
    : { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds(), ms: d.getMilliseconds() };
}

/** `+01:00`-style offset of the browser's zone at an instant, for labels. */
function localOffset(ms: number): string {
  const minutes = -new Date(ms).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** What a zone is called next to a time: `UTC`, or the local offset. */
export function zoneLabel(zone: TimeZoneName, atMs = Date.now()): string {
  return zone === 'utc' ? 'UTC' : localOffset(atMs);
}

/** `20:43:51.636`, with the date in front (`2026-11-25 20:43:51.636`) when `withDate`. */
export function formatTime(iso: string, zone: TimeZoneName, withDate = false): string {
  if (zone === 'utc') {
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?/.exec(iso);
    if (match !== null) return `${withDate ? `${match[1]} ` : ''}${match[2]}${(match[3] ?? '.000').padEnd(4, '0')}`;
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const p = parts(ms, zone);
  const time = `${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}.${pad(p.ms, 3)}`;
  return withDate ? `${p.y}-${pad(p.mo)}-${pad(p.d)} ${time}` : time;
}

/** Date and time to the millisecond with the zone named: `2026-11-25 20:43:51.636 UTC`. */
export function formatDateTime(iso: string, zone: TimeZoneName): string {
  const ms = Date.parse(iso);
  return `${formatTime(iso, zone, true)} ${zoneLabel(zone, Number.isNaN(ms) ? Date.now() : ms)}`;
}

/** An ISO instant as a `datetime-local` input value (to the second) in the zone. */
export function toInputValue(iso: string, zone: TimeZoneName): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const p = parts(ms, zone);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

/** A `datetime-local` value read in the zone, as ISO 8601 UTC; null when it is not a time. */
export function fromInputValue(value: string, zone: TimeZoneName): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const ms = zone === 'utc' ? Date.parse(`${value}Z`) : new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** True when two instants fall on different calendar days in the zone (so times need dates). */
export function spansDays(fromMs: number, toMs: number, zone: TimeZoneName): boolean {
  const a = parts(fromMs, zone);
  const b = parts(toMs, zone);
  return a.y !== b.y || a.mo !== b.mo || a.d !== b.d;
}
