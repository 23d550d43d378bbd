// A FIFO with a capacity in records: a shard's reader waits for room before its next GetRecords,
// so a decrypt or store that falls behind holds reading back instead of letting batches pile up.
// One producer and one consumer (a shard's reader and its decrypt+store loop).

export interface BoundedQueue<T> {
  /** Resolves once `weight` more fits (at once when empty, so one oversized item still passes); rejects when `signal` aborts. */
  waitForRoom(weight: number, signal?: AbortSignal): Promise<void>;
  push(item: T, weight: number): void;
  /** The next item, waiting for one; undefined once closed and drained. */
  take(): Promise<T | undefined>;
  /** No more items will come; `error` is thrown by `take` once the items before it are taken. */
  close(error?: unknown): void;
  /** Sum of the weights queued now. */
  readonly weight: number;
  readonly length: number;
}

export function createBoundedQueue<T>(capacity: number): BoundedQueue<T> {
  const items: { item: T; weight: number }[] = [];
  let queued = 0;
  let closed = false;
  let failure: unknown;
  let taker: (() => void) | undefined;
  let roomWaiter: (() => void) | undefined;

  const fits = (weight: number) => items.length === 0 || queued + weight <= capacity;
  const wake = (waiter: (() => void) | undefined) => waiter?.();

  return {
    waitForRoom(weight, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (fits(weight)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          roomWaiter = undefined;
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        roomWaiter = () => {
          if (!fits(weight)) return;
          roomWaiter = undefined;
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    },
    push(item, weight) {
      if (closed) throw new Error('queue is closed');
      items.push({ item, weight });
      queued += weight;
      const waiter = taker;
      taker = undefined;
      wake(waiter);
    },
    async take() {
      for (;;) {
        const head = items.shift();
        if (head !== undefined) {
          queued -= head.weight;
          wake(roomWaiter);
          return head.item;
        }
        if (closed) {
          if (failure !== undefined) throw failure;
          return undefined;
        }
        await new Promise<void>((resolve) => {
          taker = resolve;
        });
      }
    },
    close(error) {
      closed = true;
      failure ??= error;
      const waiter = taker;
      taker = undefined;
      wake(waiter);
    },
    get weight() {
      return queued;
    },
    get length() {
      return items.length;
    },
  };
}
