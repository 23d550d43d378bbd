/** What a bench section gets: a running emulator and a way to print a figure. */
export interface BenchContext {
  endpoint: string;
  region: string;
  report(label: string, value: number, unit: string, note?: string): void;
}

export interface BenchSection {
  name: string;
  run(context: BenchContext): Promise<void>;
}

/** Runs `task` repeatedly with `concurrency` in flight for about `durationMs`; returns operations/s. */
export async function measureRate(durationMs: number, concurrency: number, task: () => Promise<number>): Promise<{ perSecond: number; operations: number }> {
  const started = performance.now();
  let operations = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < durationMs) operations += await task();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: operations / seconds, operations };
}
