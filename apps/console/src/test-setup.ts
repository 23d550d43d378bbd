import { beforeEach } from 'vitest';

// jsdom lacks ResizeObserver, which Svelte's `bind:clientHeight` uses; layout-free tests need no sizes.
class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
globalThis.ResizeObserver ??= NoopResizeObserver as unknown as typeof ResizeObserver;

// Preferences (live columns) must not leak from one test into the next.
beforeEach(() => localStorage.clear());
