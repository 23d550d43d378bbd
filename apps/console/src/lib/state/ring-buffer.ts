/**
 * A fixed-capacity FIFO addressed by absolute sequence numbers: item `n` is the n-th ever pushed
 * (since the last clear). Once full, each push evicts the oldest item and returns it.
 */
export class RingBuffer<T> {
  readonly capacity: number;
  #items: (T | undefined)[];
  #start = 0;
  #end = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Absolute number of the oldest item held. */
  get start(): number {
    return this.#start;
  }

  /** Absolute number the next pushed item will get. */
  get end(): number {
    return this.#end;
  }

  get size(): number {
    return this.#end - this.#start;
  }

  /** Appends; returns the evicted oldest item when the buffer was full. */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.size === this.capacity) {
      const slot = this.#start % this.capacity;
      evicted = this.#items[slot];
      this.#items[slot] = undefined;
      this.#start += 1;
    }
    this.#items[this.#end % this.capacity] = item;
    this.#end += 1;
    return evicted;
  }

  /** The item with absolute number `n`, or undefined when it was evicted or not pushed yet. */
  at(n: number): T | undefined {
    if (n < this.#start || n >= this.#end) return undefined;
    return this.#items[n % this.capacity];
  }

  /** Items from absolute `from` (inclusive) to `to` (exclusive), clamped to what is held. */
  slice(from: number, to: number): T[] {
    const out: T[] = [];
    const lo = Math.max(from, this.#start);
    const hi = Math.min(to, this.#end);
    for (let n = lo; n < hi; n += 1) out.push(this.#items[n % this.capacity] as T);
    return out;
  }

  /** All items, oldest first. */
  toArray(): T[] {
    return this.slice(this.#start, this.#end);
  }

  clear(): void {
    this.#items = new Array<T | undefined>(this.capacity);
    this.#start = 0;
    this.#end = 0;
  }
}
