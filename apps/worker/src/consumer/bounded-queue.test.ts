import { describe, expect, it } from 'vitest';
import { createBoundedQueue } from './bounded-queue.js';

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('bounded queue', () => {
  it('makes the producer wait until a whole item fits, and wakes it as items are taken', async () => {
    const queue = createBoundedQueue<string>(10);
    await queue.waitForRoom(6);
    queue.push('a', 6);
    const room = queue.waitForRoom(6);
    expect(await settled(room)).toBe(false);
    expect(await queue.take()).toBe('a');
    expect(await settled(room)).toBe(true);
    queue.push('b', 6);
    queue.push('c', 4);
    expect(queue.weight).toBe(10);
    // Still full after one of two is taken: 4 + 6 > 10 is false, 4 + 7 > 10 is true.
    const big = queue.waitForRoom(7);
    expect(await queue.take()).toBe('b');
    expect(await settled(big)).toBe(false);
    expect(await queue.take()).toBe('c');
    expect(await settled(big)).toBe(true);
  });

  it('lets an item heavier than the capacity through when empty, and rejects a waiter on abort', async () => {
    const queue = createBoundedQueue<number>(2);
    await queue.waitForRoom(5);
    queue.push(1, 5);
    const abort = new AbortController();
    const waiting = queue.waitForRoom(1, abort.signal);
    abort.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });

  it('hands out queued items before the end, then the error it was closed with', async () => {
    const queue = createBoundedQueue<number>(5);
    const taking = queue.take();
    queue.push(1, 1);
    expect(await taking).toBe(1);
    queue.push(2, 1);
    queue.close(new Error('stream gone'));
    expect(await queue.take()).toBe(2);
    await expect(queue.take()).rejects.toThrow('stream gone');
    const ended = createBoundedQueue<number>(5);
    ended.close();
    expect(await ended.take()).toBeUndefined();
  });
});
