import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** Where the tail has read to: a file of the log directory and the byte after the last whole line. */
export interface JsonlogPosition {
  file: string;
  offset: number;
}

export interface JsonlogTailOptions {
  /** The server's `log_directory`. */
  dir: string;
  /** A saved position, or where to begin without one (`end`: only what is written from now on). */
  from: JsonlogPosition | 'start' | 'end';
  /** The log files (PostgreSQL names them by time, so name order is write order). */
  pattern?: RegExp;
  /** Bytes read at most per call (default 4 MiB). */
  maxBytes?: number;
}

const DEFAULT_PATTERN = /^postgresql-\d{8}-\d{6}\.json$/;
/** A line longer than this (a statement of tens of MB) is left unread rather than held in memory. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Follows the PostgreSQL server's jsonlog files. The server writes whole lines and starts a new
 * file when it rotates (never renaming one), so the tail reads its file to the end, then moves to
 * the next name; a partial line at the end waits for its newline. A file removed under it (log
 * cleanup) is skipped for the next one by name.
 *
 * Its reads are synchronous: small reads of a file just written (in the page cache), each of
 * which would otherwise be a trip to libuv's thread pool, at normal priority, from a capture
 * thread that runs at the lowest.
 */
export function createJsonlogTail(options: JsonlogTailOptions) {
  const pattern = options.pattern ?? DEFAULT_PATTERN;
  const maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  let position: JsonlogPosition | null = typeof options.from === 'object' ? { ...options.from } : null;

  function files(): string[] {
    let names: string[];
    try {
      names = readdirSync(options.dir);
    } catch {
      return [];
    }
    return names.filter((name) => pattern.test(name)).sort();
  }

  /** The file's descriptor, or null when it is gone. */
  function openFile(file: string): number | null {
    try {
      return openSync(join(options.dir, file), 'r');
    } catch {
      return null;
    }
  }

  function sizeOf(file: string): number | null {
    const fd = openFile(file);
    if (fd === null) return null;
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * From `offset`, whole lines of up to `maxBytes` (more when one line is longer: it is read
   * whole, up to 64 MiB); null when the file is gone.
   */
  function readLines(file: string, offset: number): { lines: string[]; ends: number[]; consumed: number; atEnd: boolean } | null {
    const fd = openFile(file);
    if (fd === null) return null;
    try {
      const size = fstatSync(fd).size;
      for (let want = maxBytes; ; want *= 2) {
        const length = Math.min(want, Math.max(0, size - offset));
        if (length === 0) return { lines: [], ends: [], consumed: 0, atEnd: true };
        const buffer = Buffer.allocUnsafe(length);
        const bytesRead = readSync(fd, buffer, 0, length, offset);
        const lastNewline = buffer.lastIndexOf(0x0a, bytesRead - 1);
        if (lastNewline === -1) {
          // A line longer than the read: read more of it, unless it is still being written.
          if (offset + bytesRead < size && want < MAX_LINE_BYTES) continue;
          return { lines: [], ends: [], consumed: 0, atEnd: offset + bytesRead >= size };
        }
        // Split on the bytes, so each line's end offset is known (a checkpoint may fall between any two).
        const lines: string[] = [];
        const ends: number[] = [];
        for (let start = 0; start <= lastNewline; ) {
          const newline = buffer.indexOf(0x0a, start);
          if (newline > start) {
            lines.push(buffer.toString('utf8', start, newline));
            ends.push(offset + newline + 1);
          }
          start = newline + 1;
        }
        return { lines, ends, consumed: lastNewline + 1, atEnd: offset + lastNewline + 1 >= size };
      }
    } finally {
      closeSync(fd);
    }
  }

  return {
    position: (): JsonlogPosition | null => (position === null ? null : { ...position }),

    /**
     * The whole lines written since the last call (in order, across files), the position after
     * each of them (`positions[i]` follows `lines[i]`) and the position after them all.
     */
    async read(): Promise<{ lines: string[]; positions: JsonlogPosition[]; position: JsonlogPosition | null; atEnd: boolean }> {
      const names = files();
      if (position === null) {
        if (names.length === 0) return { lines: [], positions: [], position: null, atEnd: true };
        const file = (options.from === 'start' ? names[0] : names.at(-1)) as string;
        position = { file, offset: options.from === 'start' ? 0 : (sizeOf(file) ?? 0) };
      }
      const lines: string[] = [];
      const positions: JsonlogPosition[] = [];
      let atEnd = true;
      for (;;) {
        const current: JsonlogPosition = position;
        const read = readLines(current.file, current.offset);
        const next = names.find((name) => name > current.file);
        if (read === null) {
          // Removed under us: the next file by name carries on.
          if (next === undefined) break;
          position = { file: next, offset: 0 };
          continue;
        }
        for (let i = 0; i < read.lines.length; i++) {
          lines.push(read.lines[i] as string);
          positions.push({ file: current.file, offset: read.ends[i] as number });
        }
        position = { file: current.file, offset: current.offset + read.consumed };
        if (lines.length > 0 && !read.atEnd) {
          atEnd = false; // more of this file next call (bounded reads)
          break;
        }
        if (!read.atEnd || next === undefined) break;
        position = { file: next, offset: 0 };
      }
      return { lines, positions, position: { ...position }, atEnd };
    },
  };
}
