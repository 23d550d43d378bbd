import type { AttemptResult, Delivery, DeliveryStatus, DeliveryStore, NewDelivery } from './delivery-store.js';

/** A {@link DeliveryStore} in memory, for tests and single-process use; lost on exit. */
export function createMemoryDeliveryStore(): DeliveryStore {
  const deliveries = new Map<string, Delivery>();
  const copy = (d: Delivery): Delivery => ({ ...d });
  return {
    async enqueue(delivery: NewDelivery) {
      if (deliveries.has(delivery.id)) return false;
      deliveries.set(delivery.id, {
        ...delivery,
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        lastStatus: null,
        lastError: null,
        deliveredAt: null,
      });
      return true;
    },
    async due(now: number, limit: number, leaseMs: number) {
      const due = [...deliveries.values()]
        .filter((d) => d.status === 'pending' && d.nextAttemptAt <= now)
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt)
        .slice(0, Math.max(0, limit));
      for (const d of due) d.nextAttemptAt = now + leaseMs;
      return due.map(copy);
    },
    async markAttempt(id: string, result: AttemptResult) {
      const d = deliveries.get(id);
      if (d === undefined) return;
      d.attempts += 1;
      d.lastAttemptAt = result.at;
      d.lastStatus = result.status;
      d.lastError = result.error;
      if (result.outcome === 'delivered') {
        d.status = 'delivered';
        d.deliveredAt = result.at;
      } else if (result.outcome === 'dead') d.status = 'dead';
      else d.nextAttemptAt = result.nextAttemptAt ?? result.at;
    },
    async list(options: { status?: DeliveryStatus; limit?: number } = {}) {
      return [...deliveries.values()]
        .filter((d) => options.status === undefined || d.status === options.status)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, options.limit ?? Number.POSITIVE_INFINITY)
        .map(copy);
    },
  };
}
