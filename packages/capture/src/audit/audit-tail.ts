import { readSync, watch, type FSWatcher } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  fingerprint,
  HEAD_BYTES,
  inodeOf,
  inodeOfSync,
  isSameFile,
  openIfExists,
  rotationSequence,
  sameInode,
  type AuditFileIdentity,
} from './audit-file.js';
import type { CaptureCpu } from './capture-cpu.js';
import type { CaptureLog } from './capture-log.js';

/** A place in the audit log: a file and a byte offset in it (always just after a newline). */
export interface TailPosition {
  file: AuditFileIdentity;
  offset: number;
}

/** One complete line and the position just after it. */
export interface TailLine {
  text: string;
  position: TailPosition;
}

export interface AuditTailOptions {
  /** The audit file the plugin writes (`…/server_audit.log`). */
  path: string;
  /** Where to start: a saved position, or the current end of the log. */
  from: TailPosition | 'end';
  /** Fallback poll when no file-system event arrives (some file systems send none). */
  pollIntervalMs?: number;
  /** Receives lines in log order; the tail reads no further until the promise settles. */
  onLines(lines: TailLine[]): Promise<void> | void;
  log: CaptureLog;
  /** Counts the CPU of splitting chunks and handing lines over (the capture's meter). */
  cpu?: Pick<CaptureCpu, 'begin' | 'end'>;
}

export interface AuditTail {
  start(): Promise<void>;
  /** Stops watching; resolves once the line batch being delivered has been handled. */
  stop(): Promise<void>;
  /** Reads whatever is in the file now and delivers it (used by `stop` to flush). */
  catchUp(): Promise<void>;
  /** Position after the last line delivered, null before the file was first opened. */
  readonly position: TailPosition | null;
  /**
   * Whether the tail is at the end of the live file: false from the start, and again while a
   * backlog is read (a read filled the whole chunk, so more is waiting in the file).
   */
  readonly caughtUp: boolean;
}

/** Large reads: a backlog comes in a few thousand lines per delivery, not a few hundred. */
const CHUNK_BYTES = 256 * 1024;
/**
 * An idle tail woken by the directory watch reads this long after the first write, so that one
 * read takes the burst that write began; while lines keep coming it looks again this soon, and
 * BUSY_POLL_MS later while they come fast (past BUSY_BYTES_PER_MS). Every look costs a read, a
 * stat and a timer, and more: the thread's caches have gone cold in between, so the same lines
 * cost ~10 % more CPU read 40 times a second than 10 (TPC-C replayed at ~12,000 lines/s, measured
 * for issue 19). A trickle of statements keeps the short delay: its looks cost little, and its
 * records are often sealed by time, where each look's delay is the statement's.
 */
const POLL_MS = 25;
const BUSY_POLL_MS = 100;
/** ~1,700 audit lines a second. */
const BUSY_BYTES_PER_MS = 256;

/** How soon to look again after a look that read `bytes`, `sincePreviousMs` after the look before. */
export function nextLookDelayMs(bytes: number, sincePreviousMs: number): number {
  return bytes / Math.max(1, sincePreviousMs) >= BUSY_BYTES_PER_MS ? BUSY_POLL_MS : POLL_MS;
}
const NEWLINE = 0x0a;

/**
 * Follows the audit log across partial writes and rotations: it keeps an open handle on the file
 * it reads, so when the plugin renames that file to `.1` it finishes it before moving to the
 * next one (by inode, never by name). A directory watch wakes it within a millisecond of a write;
 * a short poll covers file systems without events.
 */
export function createAuditTail(options: AuditTailOptions): AuditTail {
  const { path, log } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const { cpu } = options;
  let handle: FileHandle | null = null;
  let identity: AuditFileIdentity | null = null;
  let readOffset = 0;
  let partial: Buffer | null = null;
  let discardUntilNewline = false;
  let lastPosition: TailPosition | null = null;
  let startFrom: TailPosition | 'end' | 'start' = options.from;
  let watcher: FSWatcher | null = null;
  /** False once watching failed: polling only. */
  let watchable = true;
  let poller: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let scheduled: NodeJS.Timeout | null = null;
  let caughtUp = false;
  /** Bytes read since the last look began, and when it began: how fast lines come. */
  let bytesSinceLook = 0;
  let lastLookAt = 0;
  /** One read buffer for the tail's life; lines are decoded out of it before the next read. */
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);

  async function adopt(next: FileHandle, offset: number, why: string): Promise<void> {
    await handle?.close();
    handle = next;
    const s = await next.stat({ bigint: true });
    const headLength = Math.min(HEAD_BYTES, Number(s.size));
    identity = { dev: String(s.dev), ino: String(s.ino), head: await fingerprint(next, headLength), headLength };
    readOffset = offset;
    partial = null;
    log.info({ code: 'AUDIT_FILE_OPENED', why, ino: identity.ino, headLength, offset, size: Number(s.size) }, 'reading an audit file');
  }

  /** Opens the file to start from; false when there is nothing to open yet. */
  async function openInitial(): Promise<boolean> {
    const from = startFrom;
    if (from === 'end' || from === 'start') {
      const file = await openIfExists(path);
      if (file === null) {
        // The log does not exist yet: everything written to it from now on is new.
        startFrom = 'start';
        return false;
      }
      const size = from === 'end' ? (await file.stat()).size : 0;
      await adopt(file, size, from);
      if (size > 0) {
        const last = Buffer.alloc(1);
        await file.read(last, 0, 1, size - 1);
        discardUntilNewline = last[0] !== NEWLINE;
      }
      if (!discardUntilNewline) lastPosition = { file: identity as AuditFileIdentity, offset: size };
      return true;
    }
    // The file may be renamed by rotations while we look: find it by inode in a stable listing,
    // then check its first bytes (an inode can be reused by a newer file).
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = (await stableSequence()).find((e) => sameInode(e, from.file));
      if (entry === undefined) break;
      const file = await openIfExists(entry.path);
      if (file === null) continue;
      const s = await file.stat({ bigint: true });
      if (String(s.dev) !== entry.dev || String(s.ino) !== entry.ino) {
        await file.close(); // renamed between the listing and the open
        continue;
      }
      if ((await isSameFile(file, from.file)) && Number(s.size) >= from.offset) {
        await adopt(file, from.offset, 'saved position');
        lastPosition = from;
        return true;
      }
      await file.close();
      break;
    }
    log.warn({ code: 'AUDIT_POSITION_LOST', path }, 'the audit file of the saved position is gone; reading from the oldest file kept');
    startFrom = 'start';
    const oldest = (await stableSequence())[0];
    const file = oldest === undefined ? null : await openIfExists(oldest.path);
    if (file === null) return false;
    await adopt(file, 0, 'oldest');
    return true;
  }

  async function refreshHead(): Promise<void> {
    if (handle === null || identity === null || identity.headLength >= HEAD_BYTES) return;
    const wanted = Math.min(HEAD_BYTES, readOffset);
    if (wanted > identity.headLength) identity = { ...identity, head: await fingerprint(handle, wanted), headLength: wanted };
  }

  /** Reads the current file to its end, delivering complete lines. */
  async function drain(): Promise<void> {
    while (handle !== null) {
      // A plain read: the file is local and the read a copy from the page cache, cheaper than
      // the thread pool's round trip (see inodeOfSync).
      const bytesRead = readSync(handle.fd, buffer, 0, CHUNK_BYTES, readOffset);
      if (bytesRead === 0) return;
      bytesSinceLook += bytesRead;
      const chunkStart = readOffset;
      readOffset += bytesRead;
      // More is waiting in the file: a backlog, held (not dropped) by an async capture.
      if (bytesRead === CHUNK_BYTES) caughtUp = false;
      await refreshHead();
      // One span for splitting and the synchronous part of handling the lines (all of it unless
      // the handler waits for a lookup or for room): a span costs two getrusage calls.
      const span = cpu?.begin();
      const lines = splitLines(buffer.subarray(0, bytesRead), chunkStart);
      const handled = lines.length > 0 ? options.onLines(lines) : undefined;
      if (span !== undefined) cpu?.end(span);
      await handled;
      // A short read reached the end: reading again would only return nothing (one syscall less).
      if (bytesRead < CHUNK_BYTES) return;
    }
  }

  function splitLines(chunk: Buffer, chunkStart: number): TailLine[] {
    const file = identity as AuditFileIdentity;
    const lines: TailLine[] = [];
    const line = (text: string, end: number): void => {
      if (discardUntilNewline) discardUntilNewline = false;
      else lines.push({ text, position: { file, offset: chunkStart + end + 1 } });
    };
    let from = 0;
    let nl = chunk.indexOf(NEWLINE);
    if (partial !== null) {
      // Only the carried line is joined, not the whole chunk: a chunk-sized copy per read is a
      // fresh 256 KB allocation whose pages the kernel maps again each time.
      if (nl < 0) {
        partial = Buffer.concat([partial, chunk]); // a line longer than a chunk
        return lines;
      }
      line(Buffer.concat([partial, chunk.subarray(0, nl)]).toString('utf8'), nl);
      partial = null;
      from = nl + 1;
      nl = chunk.indexOf(NEWLINE, from);
    }
    for (; nl >= 0; nl = chunk.indexOf(NEWLINE, from)) {
      line(chunk.toString('utf8', from, nl), nl);
      from = nl + 1;
    }
    // A copy: the read buffer is reused by the next read.
    partial = from < chunk.length ? Buffer.from(chunk.subarray(from)) : null;
    const last = lines.at(-1);
    if (last !== undefined) lastPosition = last.position;
    return lines;
  }

  /**
   * Files finished after a rotation, so a late listing never sends us back to one. Compared by
   * inode and first bytes: a file deleted past the kept rotations frees its inode for a new one.
   */
  const finished: AuditFileIdentity[] = [];

  /** The rotation sequence with inodes, listed until two listings agree (renames are in flight). */
  async function stableSequence(): Promise<{ path: string; dev: string; ino: string }[]> {
    const list = async () => {
      const paths = await rotationSequence(path);
      const inodes = await Promise.all(paths.map((p) => inodeOf(p)));
      return paths.flatMap((p, i) => {
        const inode = inodes[i];
        return inode === null || inode === undefined ? [] : [{ path: p, dev: inode.dev, ino: inode.ino }];
      });
    };
    let previous = await list();
    for (let attempt = 0; attempt < 5; attempt++) {
      const next = await list();
      if (next.length === previous.length && next.every((e, i) => e.path === previous[i]?.path && sameInode(e, previous[i] as typeof e))) return next;
      previous = next;
    }
    return previous;
  }

  /** After the current file was rotated away: the next file in the sequence, by inode. */
  async function openSuccessor(current: AuditFileIdentity): Promise<FileHandle | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const sequence = await stableSequence();
      const index = sequence.findIndex((entry) => sameInode(entry, current));
      // Our file gone (deleted past the kept rotations): every file left is newer than it.
      for (const next of sequence.slice(index + 1)) {
        const file = await openIfExists(next.path);
        if (file === null) break; // renamed meanwhile: list again
        const s = await file.stat({ bigint: true });
        if (String(s.dev) !== next.dev || String(s.ino) !== next.ino) {
          await file.close();
          break;
        }
        let done = false;
        for (const old of finished) if (sameInode(old, next) && (await isSameFile(file, old))) done = true;
        if (!done) return file;
        await file.close();
      }
    }
    return null;
  }

  function markFinished(identity: AuditFileIdentity): void {
    finished.push(identity);
    if (finished.length > 16) finished.shift();
  }

  async function pump(): Promise<void> {
    if (handle === null && !(await openInitial())) return;
    for (;;) {
      await drain();
      const current = identity as AuditFileIdentity;
      const atPath = inodeOfSync(path);
      if (atPath !== null && sameInode(atPath, current)) {
        if (atPath.size < readOffset) {
          log.warn({ code: 'AUDIT_FILE_TRUNCATED', path }, 'the audit file shrank; reading it from the start');
          readOffset = 0;
          partial = null;
          continue;
        }
        caughtUp = true;
        return;
      }
      // Our file was renamed (rotation) or removed: no more writes go to it. Finish it first.
      await drain();
      const successor = await openSuccessor(current);
      if (successor === null) return; // the next file is not there yet; a later wake looks again
      await flushPartial();
      markFinished(current);
      await adopt(successor, 0, 'rotation');
    }
  }

  /** A rotated file that does not end in a newline still ends its last line. */
  async function flushPartial(): Promise<void> {
    if (partial === null || partial.length === 0) return;
    const text = partial.toString('utf8');
    partial = null;
    const position = { file: identity as AuditFileIdentity, offset: readOffset };
    lastPosition = position;
    await options.onLines([{ text, position }]);
  }

  function wake(): void {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = (async () => {
      const lookAt = performance.now();
      const sincePrevious = lookAt - lastLookAt;
      lastLookAt = lookAt;
      bytesSinceLook = 0;
      do {
        again = false;
        try {
          await pump();
        } catch (error) {
          log.error({ code: 'AUDIT_TAIL_FAILED', path, err: error }, 'reading the audit log failed; retrying');
        }
      } while (again && !stopped);
      running = null;
      // Busy: look again shortly, without an event per write.
      if (bytesSinceLook > 0) schedule(nextLookDelayMs(bytesSinceLook, sincePrevious));
      else if (watchable && watcher === null && !stopped && armWatcher()) schedule(POLL_MS); // idle: one more look closes the race with a write before the watch
    })();
  }

  function schedule(delayMs: number): void {
    if (scheduled !== null || stopped) return;
    scheduled = setTimeout(() => {
      scheduled = null;
      wake();
    }, delayMs);
  }

  /**
   * The directory watch wakes an idle tail. The plugin writes each line on its own, so a watch
   * left on under load would call us thousands of times a second: the first event closes it, and
   * the tail polls every POLL_MS (BUSY_POLL_MS) until a look finds nothing new, then watches again.
   */
  function onWatchEvent(): void {
    disarmWatcher();
    schedule(POLL_MS);
  }

  function armWatcher(): boolean {
    try {
      watcher = watch(dirname(path), { persistent: false }, onWatchEvent);
      watcher.on('error', (error) => {
        log.warn({ code: 'AUDIT_WATCH_FAILED', err: error }, 'directory watch failed; polling only');
        watchable = false;
        disarmWatcher();
      });
      return true;
    } catch (error) {
      log.warn({ code: 'AUDIT_WATCH_FAILED', err: error }, 'directory watch unavailable; polling only');
      watchable = false;
      return false;
    }
  }

  function disarmWatcher(): void {
    watcher?.close();
    watcher = null;
  }

  return {
    async start() {
      stopped = false;
      watchable = true;
      armWatcher();
      // The fallback for a watch that never fires; while busy a look is already scheduled.
      poller = setInterval(() => scheduled === null && wake(), pollIntervalMs);
      poller.unref();
      wake();
      await running;
    },
    async catchUp() {
      while (running !== null) await running;
      wake();
      while (running !== null) await running;
    },
    async stop() {
      stopped = true;
      disarmWatcher();
      if (poller !== null) clearInterval(poller);
      poller = null;
      if (scheduled !== null) clearTimeout(scheduled);
      scheduled = null;
      while (running !== null) await running;
      await handle?.close();
      handle = null;
    },
    get position() {
      return lastPosition;
    },
    get caughtUp() {
      return caughtUp;
    },
  };
}
