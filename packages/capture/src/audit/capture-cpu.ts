import { openSync, readSync } from 'node:fs';

/**
 * The capture's own CPU time, for `/_local/stats` and the console: the capture shares its process
 * with the emulator, so process CPU says nothing about it. It is measured around the capture's
 * synchronous work (splitting, parsing, mapping, sealing) with `process.cpuUsage()`, which is
 * process-wide: another thread's time during a span counts too, so the figure errs high.
 * Overlapping spans count once.
 */
export interface CaptureCpu {
  /** Starts a span (spans may overlap: time under any of them counts once); pass its result to {@link CaptureCpu.end}. */
  begin(): NodeJS.CpuUsage;
  /** Ends a span started by {@link CaptureCpu.begin}. */
  end(started: NodeJS.CpuUsage): void;
  /** Runs synchronous `work` inside a span. */
  measure<T>(work: () => T): T;
  /** The figures now, given how many events the capture accepted in total. */
  snapshot(eventsAccepted: number): CaptureCpuFigures;
  /**
   * Keeps a sample for the rates if one is due (about once a second), so they follow the load
   * when nobody asks; the CPU clock is read only then (a read of it per batch of lines cost ~1 %
   * of the capture thread, issue 19).
   */
  sample(eventsAccepted: number): void;
}

export interface CaptureCpuFigures {
  /** CPU time of the capture's spans since it started, µs. */
  cpuMicros: number;
  /** `cpuMicros` per event accepted (0 before the first). */
  cpuMicrosPerEvent: number;
  /** Events accepted per second over about the last {@link RATE_WINDOW_MS}. */
  eventsPerSecond: number;
  /** CPU time of the capture over that window as a share of one core, %. */
  cpuPercent: number;
}

/** The window of the rates: long enough to smooth bursts, short enough to follow a load change. */
export const RATE_WINDOW_MS = 10_000;
/** One sample a second is plenty for a 10 s window. */
const SAMPLE_EVERY_MS = 1000;

interface Sample {
  at: number;
  cpuMicros: number;
  events: number;
}

export function createCaptureCpu(now: () => number = () => performance.now()): CaptureCpu {
  let cpuMicros = 0;
  // Spans may overlap (a record sealed across awaits while a read is handled): the time when at
  // least one is open counts once, from the first begin to the last end.
  let open = 0;
  let since: NodeJS.CpuUsage = NO_SPAN;
  const begin = (): NodeJS.CpuUsage => {
    if (open++ === 0) since = process.cpuUsage();
    return since;
  };
  const end = (): void => {
    if (open === 0 || --open > 0) return;
    const spent = process.cpuUsage(since);
    cpuMicros += spent.user + spent.system;
  };
  return {
    begin,
    end,
    measure(work) {
      begin();
      try {
        return work();
      } finally {
        end();
      }
    },
    ...rates(() => cpuMicros, now),
  };
}

const NO_SPAN: NodeJS.CpuUsage = { user: 0, system: 0 };

/**
 * The meter of a capture that has a thread of its own: all of the thread's CPU is the capture's,
 * read from the kernel's per-thread clock, so there are no spans (and no getrusage per read).
 * Falls back to spans where the OS has no per-thread clock.
 */
export function createThreadCaptureCpu(now: () => number = () => performance.now()): CaptureCpu {
  const base = threadCpuMicros();
  if (base === null) return createCaptureCpu(now);
  return {
    begin: () => NO_SPAN,
    end: () => {},
    measure: (work) => work(),
    ...rates(() => (threadCpuMicros() ?? base) - base, now),
  };
}

/** This thread's `/proc/thread-self/schedstat`, opened once (a read is then one pread). */
let schedstatFd: number | null | undefined;
const schedstat = Buffer.alloc(128);

/**
 * The calling thread's CPU time so far, µs: Linux's `/proc/thread-self/schedstat` (ns on CPU),
 * null elsewhere. The file is opened by the thread that asks first and names that thread for as
 * long as it is open: module state is per thread, so each capture thread has its own.
 */
function threadCpuMicros(): number | null {
  try {
    schedstatFd ??= openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    schedstatFd = null;
  }
  if (schedstatFd === null) return null;
  try {
    const length = readSync(schedstatFd, schedstat, 0, schedstat.length, 0);
    const text = schedstat.toString('latin1', 0, length);
    const ns = Number(text.slice(0, text.indexOf(' ')));
    return Number.isFinite(ns) ? ns / 1000 : null;
  } catch {
    return null;
  }
}

/** Figures from a running CPU total, with rates over about the last {@link RATE_WINDOW_MS}. */
function rates(cpuTotal: () => number, now: () => number): Pick<CaptureCpu, 'snapshot' | 'sample'> {
  const samples: Sample[] = [];
  const keep = (at: number, cpuMicros: number, events: number): void => {
    samples.push({ at, cpuMicros, events });
    while (samples.length > 2 && at - (samples[1] as Sample).at >= RATE_WINDOW_MS) samples.shift();
  };
  const due = (at: number): boolean => {
    const last = samples.at(-1);
    return last === undefined || at - last.at >= SAMPLE_EVERY_MS;
  };
  return {
    sample(eventsAccepted) {
      const at = now();
      if (due(at)) keep(at, cpuTotal(), eventsAccepted);
    },
    snapshot(eventsAccepted) {
      const cpuMicros = cpuTotal();
      const at = now();
      if (due(at)) keep(at, cpuMicros, eventsAccepted);
      const oldest = samples[0] as Sample;
      const seconds = (at - oldest.at) / 1000;
      return {
        cpuMicros,
        cpuMicrosPerEvent: eventsAccepted === 0 ? 0 : cpuMicros / eventsAccepted,
        eventsPerSecond: seconds <= 0 ? 0 : (eventsAccepted - oldest.events) / seconds,
        cpuPercent: seconds <= 0 ? 0 : ((cpuMicros - oldest.cpuMicros) / 1e6 / seconds) * 100,
      };
    },
  };
}
