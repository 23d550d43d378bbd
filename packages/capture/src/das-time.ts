// DAS times (`2020-07-06 20:43:51.636563+00`) as microseconds since the epoch, and back.
const DAS_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\.(\d{6})\+00$/;

/** Microseconds since the epoch of a DAS time (`2020-07-06 20:43:51.636563+00`). */
export function parseDasTime(text: string): number | undefined {
  const match = DAS_TIME.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}T${match[2]}Z`);
  return Number.isFinite(seconds) ? seconds * 1000 + Number(match[3]) : undefined;
}

let cachedSecond = NaN;
let cachedPrefix = '';

/** Formats microseconds since the epoch as a DAS time, `YYYY-MM-DD HH:MM:SS.ffffff+00`. */
export function formatDasTime(us: number): string {
  const second = Math.floor(us / 1_000_000);
  if (second !== cachedSecond) {
    // Events come in bursts within one second: build the date part once per second.
    const iso = new Date(second * 1000).toISOString(); // 2026-11-25T02:23:25.000Z
    cachedPrefix = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.`;
    cachedSecond = second;
  }
  return `${cachedPrefix}${String(us - second * 1_000_000).padStart(6, '0')}+00`;
}

/** The same DAS time moved by `offsetMicros`; other text is returned unchanged. */
export function shiftDasTime(text: string, offsetMicros: number): string {
  const micros = parseDasTime(text);
  return micros === undefined ? text : formatDasTime(micros + offsetMicros);
}
