const numberFormat = new Intl.NumberFormat('en-US');

/** 12345 → `12,345`. */
export function count(n: number): string {
  return numberFormat.format(n);
}

/** Seconds → `1m 05s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** ISO 8601 UTC of a datetime-local value or epoch milliseconds. */
export function isoTime(value: string | number): string {
  return new Date(value).toISOString();
}

/** An RDS engine name as people say it: `aurora-postgresql` → Aurora PostgreSQL. */
export function engineName(engine: string): string {
  if (engine === 'aurora-mysql' || engine === 'aurora') return 'Aurora MySQL';
  if (engine === 'aurora-postgresql') return 'Aurora PostgreSQL';
  return engine;
}
