import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest items, evicting and returning the oldest once full', () => {
    const ring = new RingBuffer<number>(3);
    expect([1, 2, 3].map((n) => ring.push(n))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect([ring.start, ring.end, ring.size]).toEqual([2, 5, 3]);
  });

  it('addresses items by absolute number and clamps slices to what is held', () => {
    const ring = new RingBuffer<string>(2);
    ['a', 'b', 'c'].forEach((s) => ring.push(s));
    expect(ring.at(0)).toBeUndefined();
    expect(ring.at(1)).toBe('b');
    expect(ring.at(3)).toBeUndefined();
    expect(ring.slice(0, 10)).toEqual(['b', 'c']);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });

  it('starts over after clear', () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    ring.clear();
    expect([ring.size, ring.start, ring.end]).toEqual([0, 0, 0]);
  });
});
