const DAS_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\.(\d{6})\+00$/;

/** Microseconds since the epoch of a DAS time (`2020-07-06 20:43:51.636563+00`). */
export function parseDasTime(text: string): number | undefined {
  const match = DAS_TIME.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}T${match[2]}Z`);
  return Number.isFinite(seconds) ? seconds * 1000 + Number(match[3]) : undefined;
}

export function formatDasTime(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(micros % 1_000_000).padStart(6, '0')}+00`;
}

/** The same DAS time moved by `offsetMicros`; other text is returned unchanged. */
export function shiftDasTime(text: string, offsetMicros: number): string {
  const micros = parseDasTime(text);
  return micros === undefined ? text : formatDasTime(micros + offsetMicros);
}
