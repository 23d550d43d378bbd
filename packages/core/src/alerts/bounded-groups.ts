/**
 * A rule's per-group state, at most `capacity` groups: the oldest group goes first when a new
 * one would exceed it. A Map keeps insertion order; with `recency`, reading a group moves it to
 * the end (least recently used goes first), which costs a delete and a set per read.
 */
export class BoundedGroups<G> {
  readonly #groups = new Map<string, G>();
  readonly #capacity: number;
  #lastKey: string | undefined;
  /** Groups dropped to stay within capacity since creation. */
  evicted = 0;

  readonly #recency: boolean;

  constructor(capacity: number, entries: readonly (readonly [string, G])[] = [], options: { recency?: boolean } = {}) {
    this.#capacity = capacity;
    this.#recency = options.recency ?? true;
    for (const [key, group] of entries.slice(-capacity)) this.#groups.set(key, group);
  }

  get size(): number {
    return this.#groups.size;
  }

  /** The group, marked most recently used (with `recency`). */
  get(key: string): G | undefined {
    const group = this.#groups.get(key);
    if (group !== undefined && this.#recency && key !== this.#lastKey) {
      this.#groups.delete(key);
      this.#groups.set(key, group);
      this.#lastKey = key;
    }
    return group;
  }

  /** Adds a group as most recently used, evicting the oldest beyond capacity. */
  add(key: string, group: G): void {
    this.#groups.delete(key);
    this.#groups.set(key, group);
    this.#lastKey = key;
    if (this.#groups.size > this.#capacity) {
      const oldest = this.#groups.keys().next().value as string;
      this.#groups.delete(oldest);
      this.evicted += 1;
    }
  }

  delete(key: string): void {
    this.#groups.delete(key);
    if (key === this.#lastKey) this.#lastKey = undefined;
  }

  /** Oldest first, for export (the order restores the eviction order). */
  entries(): [string, G][] {
    return [...this.#groups];
  }

  /** Drops every group `expired` says is over. */
  prune(expired: (group: G) => boolean): void {
    for (const [key, group] of this.#groups) if (expired(group)) this.delete(key);
  }
}
