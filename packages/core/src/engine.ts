/** The database engines DAS events are normalised for; everything else is `other`. */
export type DasEngine = 'mysql' | 'postgres' | 'other';

/**
 * Tells the engine of a raw activity event from `serverType`, `dbProtocol` or `serviceName`
 * (whichever is present; heartbeats may carry none of them).
 */
export function detectEngine(event: Record<string, unknown>): DasEngine {
  for (const field of ['serverType', 'dbProtocol', 'serviceName'] as const) {
    const value = event[field];
    if (typeof value !== 'string') continue;
    const lower = value.toLowerCase();
    if (lower.includes('mysql')) return 'mysql';
    if (lower.includes('postgres')) return 'postgres';
    if (lower !== '') return 'other';
  }
  return 'other';
}

/** True when the raw event names any engine at all (heartbeats often do not). */
export function hasEngineHint(event: Record<string, unknown>): boolean {
  return ['serverType', 'dbProtocol', 'serviceName'].some((f) => typeof event[f] === 'string' && event[f] !== '');
}
