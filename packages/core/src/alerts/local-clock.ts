/** A time of the week in some time zone. */
export interface LocalTime {
  /** 0 = Sunday … 6 = Saturday. */
  day: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const BUCKET_MS = 15 * 60_000;

/**
 * Local day and minute of epoch times in `timeZone`. `Intl` costs microseconds, so the offset is
 * computed once per 15-minute bucket (every zone's offset, and every change of it, falls on a
 * quarter hour) and reused while events stay in that bucket.
 */
export function createLocalClock(timeZone: string): (ms: number) => LocalTime {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  let bucket = Number.NaN;
  let bucketStart = 0;
  let start: LocalTime = { day: 0, minutes: 0 };
  return (ms) => {
    const b = Math.floor(ms / BUCKET_MS);
    if (b !== bucket) {
      bucket = b;
      bucketStart = b * BUCKET_MS;
      const parts = format.formatToParts(bucketStart);
      const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
      start = { day: WEEKDAYS[part('weekday')] ?? 0, minutes: Number(part('hour')) * 60 + Number(part('minute')) };
    }
    // Within a bucket the local time advances with UTC and cannot pass midnight (buckets align with it).
    return { day: start.day, minutes: start.minutes + Math.floor((ms - bucketStart) / 60_000) };
  };
}

/** `HH:MM` → minutes since midnight. */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
