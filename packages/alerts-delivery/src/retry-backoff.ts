/** Exponential back-off between attempts. */
export interface BackoffOptions {
  /** Delay before the second attempt (before jitter), ms (default 1 000). */
  baseMs?: number;
  /** Largest delay, ms (default 5 minutes). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
}

/**
 * The delay after failed attempt number `attempt` (1-based): `base × factor^(attempt-1)` capped
 * at `max`, of which a random half is taken away ("equal jitter"), so receivers that failed
 * together are not retried together, yet the delay never collapses to nothing.
 */
export function retryDelayMs(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 5 * 60_000;
  const factor = options.factor ?? 2;
  const ceiling = Math.min(max, base * factor ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
