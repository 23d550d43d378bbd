// Opt-in profile of a page (DAS_BENCH_PROFILE=1): a Chrome trace and a CPU profile over the bench's
// window, and what the main thread's long tasks were made of, to find the work worth removing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'];
const LONG_TASK_US = 50_000;

export interface PageProfile {
  /** Stops both recordings, writes them under `dir` and returns the summary's lines. */
  stop(dir: string, name: string): Promise<string[]>;
}

export async function startPageProfile(page: Page): Promise<PageProfile> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: CATEGORIES } });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop(dir, name) {
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      await endTracing(cdp);
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
      writeFileSync(join(dir, `${name}.trace.json`), JSON.stringify({ traceEvents: events }));
      return summarize(events, profile);
    },
  };
}

async function endTracing(cdp: CDPSession): Promise<void> {
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await complete;
}

/** Durations of B/E pairs as complete events, so all slices nest the same way. */
function completeSlices(events: TraceEvent[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const open = new Map<string, TraceEvent[]>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (e.ph === 'X' && e.dur !== undefined) out.push(e);
    else if (e.ph === 'B') {
      const key = `${e.pid}:${e.tid}`;
      if (!open.has(key)) open.set(key, []);
      open.get(key)!.push(e);
    } else if (e.ph === 'E') {
      const begin = open.get(`${e.pid}:${e.tid}`)?.pop();
      if (begin !== undefined) out.push({ ...begin, ph: 'X', dur: e.ts - begin.ts });
    }
  }
  return out;
}

/** A slice's label: script entry points say what ran them (timer, event type, function). */
function label(e: TraceEvent): string {
  const data = e.args?.data ?? {};
  if (e.name === 'EventDispatch') return `EventDispatch ${String(data.type)}`;
  if (e.name === 'FunctionCall') return `FunctionCall ${String(data.functionName || '(anonymous)')}`;
  return e.name;
}

function summarize(events: TraceEvent[], profile: CpuProfile): string[] {
  // The page's main thread: the renderer main thread with the most slices.
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`);
  const slices = completeSlices(events);
  const perThread = new Map<string, TraceEvent[]>();
  for (const e of slices) {
    const key = `${e.pid}:${e.tid}`;
    if (!mains.includes(key)) continue;
    if (!perThread.has(key)) perThread.set(key, []);
    perThread.get(key)!.push(e);
  }
  const main = [...perThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  main.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Self time of each slice: its duration less its direct children's (slices nest on one thread).
  const ownTime = new Map<TraceEvent, number>();
  const taskOf = new Map<TraceEvent, TraceEvent>();
  const stack: TraceEvent[] = [];
  for (const e of main) {
    while (stack.length > 0 && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent !== undefined) ownTime.set(parent, ownTime.get(parent)! - e.dur!);
    ownTime.set(e, e.dur!);
    const root = stack[0];
    if (root !== undefined) taskOf.set(e, root);
    stack.push(e);
  }
  // Tasks are the outermost slices of the thread's run loop.
  const tasks = main.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && !taskOf.has(e));
  const long = tasks.filter((t) => t.dur! >= LONG_TASK_US);
  const longSet = new Set(long);
  const self = new Map<string, number>();
  const perTaskSelf = new Map<TraceEvent, Map<string, number>>(long.map((t) => [t, new Map()]));
  for (const [e, own] of ownTime) {
    const task = longSet.has(e) ? e : taskOf.get(e);
    if (task === undefined || !longSet.has(task)) continue;
    const name = e === task ? '(task itself)' : label(e);
    self.set(name, (self.get(name) ?? 0) + own);
    const mine = perTaskSelf.get(task)!;
    mine.set(name, (mine.get(name) ?? 0) + own);
  }
  const perTask = long.map((task) => {
    const top = [...perTaskSelf.get(task)!].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`);
    return `    +${((task.ts - (main[0]?.ts ?? task.ts)) / 1e6).toFixed(1)} s  ${(task.dur! / 1000).toFixed(0)} ms: ${top.join(' · ')}`;
  });
  const ms = (us: number) => `${(us / 1000).toFixed(0)} ms`;
  const totalLong = long.reduce((s, t) => s + t.dur!, 0);
  const lines = [
    `  profile      main-thread tasks ${tasks.length} · long ${long.length} (${ms(totalLong)}) · all tasks ${ms(tasks.reduce((s, t) => s + (t.dur ?? 0), 0))}`,
    `  in long tasks, self time by kind:`,
    ...[...self].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `    ${ms(v).padStart(8)}  ${k}`),
    `  JS self time in long tasks by function (CPU profile):`,
    ...hotFunctions(profile, long).map(([k, v]) => `    ${ms(v).padStart(8)}  ${k}`),
    `  long tasks:`,
    ...perTask,
  ];
  return lines;
}

/** Sampled JS self time of each function, counting only samples that fall inside the long tasks. */
function hotFunctions(profile: CpuProfile, long: TraceEvent[]): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (!long.some((task) => t >= task.ts && t <= task.ts + task.dur!)) continue;
    const frame = byId.get(profile.samples[i]!)?.callFrame;
    if (frame === undefined) continue;
    const file = frame.url.split('/').pop() ?? '';
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? delta));
  }
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, 20);
}
