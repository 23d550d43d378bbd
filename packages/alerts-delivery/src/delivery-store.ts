/** `pending` until delivered, or `dead` after the last attempt failed. */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One alert to send to one endpoint. Times are epoch milliseconds. */
export interface Delivery {
  /** `<alert id>:<endpoint id>`: the same alert raised twice is delivered once. */
  id: string;
  alertId: string;
  endpointId: string;
  /** The exact request body (retries send the same bytes). */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  /** When the next attempt may start (also the lease of an attempt under way). */
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  /** The HTTP status of the last attempt, null when there was no response. */
  lastStatus: number | null;
  /** Why the last attempt failed (`HTTP 500: …`, `ECONNREFUSED`, `timed out after 5000 ms`). */
  lastError: string | null;
  deliveredAt: number | null;
}

export type NewDelivery = Pick<Delivery, 'id' | 'alertId' | 'endpointId' | 'body' | 'createdAt' | 'nextAttemptAt'>;

/** The result of one attempt, as the loop decided it. */
export interface AttemptResult {
  at: number;
  outcome: 'delivered' | 'retry' | 'dead';
  status: number | null;
  error: string | null;
  /** With `retry`: when to try again. */
  nextAttemptAt?: number;
}

/**
 * Where deliveries live: the worker implements it on its store (DuckDB, PostgreSQL), tests use
 * `createMemoryDeliveryStore`. Every method may be called while others are in flight.
 */
export interface DeliveryStore {
  /** Adds a pending delivery unless one with its id exists; true when added. */
  enqueue(delivery: NewDelivery): Promise<boolean>;
  /**
   * Pending deliveries with `nextAttemptAt <= now`, oldest first, at most `limit`. Each returned
   * delivery is leased: its `nextAttemptAt` becomes `now + leaseMs`, so neither a second loop
   * (a fleet) nor this one picks it again while the attempt runs, and a crash mid-attempt only
   * delays it. A shared store does this atomically (e.g. `UPDATE … WHERE id IN (SELECT … FOR
   * UPDATE SKIP LOCKED) RETURNING *`).
   */
  due(now: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  /** Records an attempt: attempts + 1, status, last error, next attempt time. */
  markAttempt(id: string, result: AttemptResult): Promise<void>;
  /** Deliveries, newest first; dead ones carry their last error. */
  list(options?: { status?: DeliveryStatus; limit?: number }): Promise<Delivery[]>;
}
