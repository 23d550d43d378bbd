import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority to `nice` (0 normal … 19 lowest), leaving the rest of
 * the process alone. Linux schedules threads on their own: the thread's id comes from
 * `/proc/thread-self` (`<pid>/task/<tid>`) and `setpriority` on that id touches that thread only.
 * Elsewhere (no per-thread nice) it does nothing. Returns the thread id it changed, or null.
 */
export function lowerThreadPriority(nice: number): number | null {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new RangeError(`nice ${nice} is not 0…19`);
  if (process.platform !== 'linux' || nice === 0) return null;
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return null;
  }
  if (!Number.isInteger(tid) || tid <= 0) return null;
  // Raising one's own nice value needs no privilege.
  setPriority(tid, nice);
  if (nice === 19) enterIdleClass(tid);
  return tid;
}

/**
 * The lowest priority also takes the thread into Linux's idle scheduling class (SCHED_IDLE, via
 * util-linux `chrt`): a thread at nice 19 that got a core keeps it until its slice ends (about a
 * millisecond) when a database backend wakes, an idle-class one is preempted at once. Entering it
 * needs no privilege; without `chrt` the thread stays at nice 19.
 */
function enterIdleClass(tid: number): void {
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 2000 });
  } catch {
    // No chrt, or a kernel without the class: nice 19 it is.
  }
}
