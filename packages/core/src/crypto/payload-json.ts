import { detectEngine, hasEngineHint } from '../engine.js';
import type { RawActivityEvent } from '../schemas/events.js';
import type { DasPayload } from '../schemas/payload.js';
import { AuroraMysqlEvent, writeAuroraMysqlEventJson } from './aurora-mysql-event.js';
import { AuroraPostgresEvent, writeAuroraPostgresEventJson } from './aurora-postgres-event.js';
import { bytesOf, JsonBytes } from './json-bytes.js';

/** Writes an element of `databaseActivityEventList` as `JSON.stringify` writes it in an array. */
function writeEventJson(out: JsonBytes, event: unknown): void {
  if (event instanceof AuroraMysqlEvent) writeAuroraMysqlEventJson(out, event);
  else if (event instanceof AuroraPostgresEvent) writeAuroraPostgresEventJson(out, event);
  // An element JSON cannot write (undefined, a function) is null in an array, as JSON.stringify does.
  else out.text((JSON.stringify(event) as string | undefined) ?? 'null');
}

const COMMA = bytesOf(',');
const CLOSE = bytesOf(']}');

/** The envelope version of a payload holding `event`, if the event tells its engine. */
function versionHint(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const fields = event as Record<string, unknown>;
  if (!hasEngineHint(fields)) return undefined;
  return detectEngine(fields) === 'postgres' ? '1.1' : '1.2';
}

/** A payload's fields other than its event list (`type`, `clusterId`, `instanceId`). */
export type PayloadHead = Readonly<Record<string, unknown>>;

/**
 * A payload's UTF-8 JSON written event by event, as the events come: a producer keeps the bytes
 * of its open record instead of the event objects (they die young, and the bytes live outside
 * the JS heap, so the garbage collector has nothing of a record to copy). The text is the
 * same value as `JSON.stringify(payload)` with the event list last.
 */
export class PayloadJsonWriter {
  readonly #out: JsonBytes;
  #events = 0;
  #version: string | undefined;

  /**
   * Starts a payload of these fields (all but the event list), in `space`: a buffer to write into
   * (one of an earlier record whose bytes are no longer needed), or the bytes to allocate.
   */
  constructor(head: PayloadHead, space: Uint8Array | number = 64 * 1024) {
    this.#out = new JsonBytes(space);
    const text = JSON.stringify(head);
    this.#out.text(text.length > 2 ? `${text.slice(0, -1)},"databaseActivityEventList":[` : '{"databaseActivityEventList":[');
  }

  /** Adds one element of the event list. */
  add(event: RawActivityEvent): void {
    if (this.#events > 0) this.#out.raw(COMMA);
    writeEventJson(this.#out, event);
    this.#events += 1;
    this.#version ??= versionHint(event);
  }

  /** Events added so far. */
  get eventCount(): number {
    return this.#events;
  }

  /** Bytes written so far (the closing `]}` not counted). */
  get byteLength(): number {
    return this.#out.at;
  }

  /**
   * The envelope version for these events (`1.1` once a PostgreSQL event was added, `1.2` for
   * MySQL), as {@link encryptRecord} would choose from the payload.
   */
  get envelopeVersion(): string {
    return this.#version ?? '1.2';
  }

  /**
   * Closes the list: the payload's bytes, a view of the writer's buffer (`.buffer` can be given to
   * a later writer once they are no longer needed). The writer is done.
   */
  finish(): Uint8Array {
    this.#out.raw(CLOSE);
    return this.#out.bytes.subarray(0, this.#out.at);
  }
}

/** Reused between records (a thread seals one at a time): grows to the largest record, ~1 MB. */
let scratch: Uint8Array = new Uint8Array(256 * 1024);

/**
 * The payload as UTF-8 JSON, the same value as `JSON.stringify(payload)` (the event list last).
 * Event by event into a reused buffer: one string of a whole record (~400 KB) costs ~4 µs per
 * event to build and encode on Node 20, small strings ~1.6 (measured for issue 19). The bytes
 * are valid until the next call: use them before anything else may seal a record.
 */
export function payloadJson(payload: DasPayload): Uint8Array {
  const { databaseActivityEventList: events, ...head } = payload;
  const writer = new PayloadJsonWriter(head, scratch);
  for (const event of events) writer.add(event);
  const bytes = writer.finish();
  scratch = new Uint8Array(bytes.buffer); // the writer's buffer, grown if the record needed it
  return bytes;
}

/** The envelope version {@link encryptRecord} gives a payload: `1.1` for PostgreSQL events, else `1.2`. */
export function envelopeVersionOf(payload: DasPayload): string {
  for (const event of payload.databaseActivityEventList) {
    const version = versionHint(event);
    if (version !== undefined) return version;
  }
  return '1.2';
}
