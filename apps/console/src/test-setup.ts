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

// jsdom has no matchMedia; uPlot reads it when loaded and the charts follow the colour scheme.
if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string) =>
    ({ matches: false, media: query, onchange: null, addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {}, dispatchEvent: () => false }) as MediaQueryList;
}
