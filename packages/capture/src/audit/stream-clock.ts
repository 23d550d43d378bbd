/**
 * Event times for the stream. The plugin logs whole seconds in the server's local time; DAS wants
 * microseconds in UTC. An event gets the time its line was read, kept inside the second the
 * plugin logged (so a backlog read after a restart keeps its real second), and never earlier
 * than the previous event: times are strictly increasing within the stream.
 */
export interface StreamClock {
  /** A microsecond UTC epoch time for a line logged at `auditTimestamp`, read at `readAtUs`. */
  timeFor(auditTimestamp: string, readAtUs: number): number;
  /** A time for an event with no audit line (heartbeats). */
  now(): number;
  /** The last time handed out. */
  readonly last: number;
}

/** Current wall-clock time in microseconds since the epoch. */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * @param utcOffsetSeconds the server's local time minus UTC (`NOW() - UTC_TIMESTAMP()`), or null
 *   when unknown: then the audit second is not used and only the read time counts.
 */
export function createStreamClock(utcOffsetSeconds: number | null, startAfterUs = 0): StreamClock {
  let last = startAfterUs;
  // Lines of one second share their timestamp text: parse it once.
  let cachedText = '';
  let cachedSecondUs: number | null = null;
  const next = (candidate: number): number => {
    last = candidate > last ? candidate : last + 1;
    return last;
  };
  return {
    timeFor(auditTimestamp, readAtUs) {
      if (utcOffsetSeconds === null) return next(readAtUs);
      if (auditTimestamp !== cachedText) {
        cachedText = auditTimestamp;
        cachedSecondUs = auditSecondMicros(auditTimestamp, utcOffsetSeconds);
      }
      const secondUs = cachedSecondUs;
      if (secondUs === null) return next(readAtUs);
      return next(Math.min(Math.max(readAtUs, secondUs), secondUs + 999_999));
    },
    now: () => next(nowMicros()),
    get last() {
      return last;
    },
  };
}

/** `YYYYMMDD HH:MM:SS` local → the second's start as microseconds since the epoch, UTC. */
export function auditSecondMicros(auditTimestamp: string, utcOffsetSeconds: number): number | null {
  const m = /^(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(auditTimestamp);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - utcOffsetSeconds * 1000;
  return Number.isFinite(ms) ? ms * 1000 : null;
}
