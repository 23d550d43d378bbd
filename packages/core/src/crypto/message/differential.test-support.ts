// Shared by the differential tests: each message's outcome on the fast path and on the
// reference SDK, and a deterministic catalogue of mutations of a valid message.
import { DasRecordError } from '../../errors.js';
import type { Prng } from '../../fixtures/prng.js';
import { decryptMessageSdk } from '../decrypt-steps.js';
import { decryptMessageFast } from './decrypt-message.js';
import { parseHeader } from './header.js';

/** The plaintext, a refusal, or (fast path only) "left to the SDK". */
export type Outcome = { kind: 'plaintext'; plaintext: Buffer } | { kind: 'refused'; message: string } | { kind: 'unsupported'; why: string };

const SDK_DEADLINE_MS = 5000;

export async function sdkOutcome(message: Buffer, wrappingKey: Uint8Array, maxBodyBytes: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SDK gave no outcome within ${SDK_DEADLINE_MS} ms`)), SDK_DEADLINE_MS);
  });
  try {
    const plaintext = await Promise.race([decryptMessageSdk(message, wrappingKey, maxBodyBytes), deadline]);
    return { kind: 'plaintext', plaintext };
  } catch (error) {
    if (error instanceof DasRecordError) return { kind: 'refused', message: error.message };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The fast path; anything but a DasRecordError (a bug) propagates. */
export function fastOutcome(message: Buffer, wrappingKey: Uint8Array, maxBodyBytes: number): Outcome {
  try {
    const result = decryptMessageFast(message, wrappingKey, maxBodyBytes);
    return result.ok ? { kind: 'plaintext', plaintext: result.plaintext } : { kind: 'unsupported', why: result.unsupported };
  } catch (error) {
    if (error instanceof DasRecordError && error.reason === 'PAYLOAD_DECRYPT_FAILED' && error.detail !== undefined) {
      return { kind: 'refused', message: error.message };
    }
    throw error;
  }
}

/** True when both paths end the same way (an unsupported message is the SDK's to judge). */
export function sameOutcome(fast: Outcome, sdk: Outcome): boolean {
  if (fast.kind === 'unsupported') return true;
  if (fast.kind === 'plaintext') return sdk.kind === 'plaintext' && fast.plaintext.equals(sdk.plaintext);
  return sdk.kind === 'refused';
}

export function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'plaintext') return `plaintext (${outcome.plaintext.length} bytes)`;
  return outcome.kind === 'refused' ? `refused: ${outcome.message}` : `unsupported: ${outcome.why}`;
}

/** A mutated message and what was done to it. */
export interface Mutation {
  label: string;
  bytes: Buffer;
}

/** Where the parts of a valid message lie. */
interface Layout {
  bodyStart: number;
  headerEnd: number;
  frames: { start: number; end: number; final: boolean }[];
  footerStart: number;
  signed: boolean;
  framed: boolean;
}

function layoutOf(m: Buffer): Layout {
  const parsed = parseHeader(m);
  if (!parsed.ok) throw new Error(`base message not parseable: ${parsed.unsupported}`);
  const { header } = parsed;
  const frames: Layout['frames'] = [];
  let pos = header.bodyStart;
  if (header.contentType === 2) {
    for (;;) {
      const final = m.readUInt32BE(pos) === 0xffff_ffff;
      const length = final ? m.readUInt32BE(pos + 20) : header.frameLength;
      const end = pos + (final ? 24 : 16) + length + 16;
      frames.push({ start: pos, end, final });
      pos = end;
      if (final) break;
    }
  } else {
    const length = m.readUInt32BE(pos + 16);
    pos += 20 + length + 16;
    frames.push({ start: header.bodyStart, end: pos, final: true });
  }
  return {
    bodyStart: header.bodyStart,
    headerEnd: header.headerBody.length,
    frames,
    footerStart: pos,
    signed: header.suite.signature !== undefined,
    framed: header.contentType === 2,
  };
}

const with32 = (m: Buffer, at: number, value: number): Buffer => {
  const out = Buffer.from(m);
  out.writeUInt32BE(value >>> 0, at);
  return out;
};
const with16 = (m: Buffer, at: number, value: number): Buffer => {
  const out = Buffer.from(m);
  out.writeUInt16BE(value & 0xffff, at);
  return out;
};
const withByte = (m: Buffer, at: number, value: number): Buffer => {
  const out = Buffer.from(m);
  out[at] = value & 0xff;
  return out;
};

/** Every prefix of `m` (lengths 0 … m.length − 1). */
export function truncations(m: Buffer): Mutation[] {
  return Array.from({ length: m.length }, (_, n) => ({ label: `truncated to ${n} bytes`, bytes: m.subarray(0, n) }));
}

/** Each header byte flipped three ways, and boundary values in the header's length/count fields. */
export function headerMutations(m: Buffer, otherSuiteIds: readonly number[]): Mutation[] {
  const layout = layoutOf(m);
  const out: Mutation[] = [];
  for (let at = 0; at < layout.bodyStart; at += 1) {
    const byte = m[at] ?? 0;
    out.push({ label: `header byte ${at} ^ 0x01`, bytes: withByte(m, at, byte ^ 0x01) });
    out.push({ label: `header byte ${at} ^ 0x80`, bytes: withByte(m, at, byte ^ 0x80) });
    out.push({ label: `header byte ${at} = ${byte === 0 ? '0xff' : '0x00'}`, bytes: withByte(m, at, byte === 0 ? 0xff : 0) });
  }
  const v1 = m[0] === 1;
  const suiteAt = v1 ? 2 : 1;
  for (const id of otherSuiteIds) out.push({ label: `suite id 0x${id.toString(16)}`, bytes: with16(m, suiteAt, id) });
  for (const version of [0, 1, 2, 3, 0x41]) out.push({ label: `version ${version}`, bytes: withByte(m, 0, version) });
  // The 2-byte fields at the context length and EDK count, and every 2-byte length inside.
  const contextAt = v1 ? 20 : 35;
  const contextLength = m.readUInt16BE(contextAt);
  for (const delta of [-2, -1, 1, 2, 0x100]) out.push({ label: `context length ${delta > 0 ? '+' : ''}${delta}`, bytes: with16(m, contextAt, contextLength + delta) });
  const edkAt = contextAt + 2 + contextLength;
  for (const count of [0, 2, 4, 5, 0xffff]) out.push({ label: `EDK count ${count}`, bytes: with16(m, edkAt, count) });
  let pos = edkAt + 2;
  for (const field of ['providerId', 'providerInfo', 'edk'] as const) {
    const length = m.readUInt16BE(pos);
    for (const delta of [-1, 1]) out.push({ label: `${field} length ${delta > 0 ? '+' : ''}${delta}`, bytes: with16(m, pos, length + delta) });
    pos += 2 + length;
  }
  const frameLengthAt = v1 ? pos + 6 : pos + 1;
  const frameLength = m.readUInt32BE(frameLengthAt);
  for (const value of [0, 1, frameLength - 1, frameLength + 1, 0xffff_ffff]) out.push({ label: `frame length ${value}`, bytes: with32(m, frameLengthAt, value) });
  for (const type of [0, 1, 2, 3]) out.push({ label: `content type ${type}`, bytes: withByte(m, pos, type) });
  return out;
}

/** Frame boundaries: sequence numbers, final-frame markers and lengths, IVs, tags, frame order. */
export function frameMutations(m: Buffer): Mutation[] {
  const layout = layoutOf(m);
  const out: Mutation[] = [];
  layout.frames.forEach((frame, index) => {
    const n = index + 1;
    const at = frame.start;
    if (layout.framed) {
      const seqAt = frame.final ? at + 4 : at;
      for (const value of [0, n - 1, n + 1, 0xffff_fffe, 0xffff_ffff]) out.push({ label: `frame ${n} sequence ${value}`, bytes: with32(m, seqAt, value) });
      if (frame.final) {
        const length = m.readUInt32BE(at + 20);
        for (const value of [0, length - 1, length + 1, length + 16, 0xffff_ffff]) out.push({ label: `final frame length ${value}`, bytes: with32(m, at + 20, value) });
        out.push({ label: `final frame ${n} marked regular`, bytes: with32(m, at, n) });
      } else {
        out.push({ label: `frame ${n} marked final`, bytes: with32(m, at, 0xffff_ffff) });
      }
      const ivAt = frame.final ? at + 8 : at + 4;
      out.push({ label: `frame ${n} IV last byte ^1`, bytes: withByte(m, ivAt + 11, (m[ivAt + 11] ?? 0) ^ 1) });
      out.push({ label: `frame ${n} IV first byte ^1`, bytes: withByte(m, ivAt, (m[ivAt] ?? 0) ^ 1) });
    } else {
      out.push({ label: 'non-framed IV ^1', bytes: withByte(m, at, (m[at] ?? 0) ^ 1) });
      const length = m.readUInt32BE(at + 16);
      for (const value of [0, length - 1, length + 1]) out.push({ label: `non-framed length ${value}`, bytes: with32(m, at + 16, value) });
      out.push({ label: 'non-framed length high word', bytes: with32(m, at + 12, 1) });
    }
    // Frame header: sequence + IV (regular), marker + sequence + IV + length (final), IV + length (non-framed).
    const contentStart = frame.start + (layout.framed ? (frame.final ? 24 : 16) : 20);
    if (frame.end - 16 > contentStart) {
      out.push({ label: `frame ${n} first ciphertext byte ^1`, bytes: withByte(m, contentStart, (m[contentStart] ?? 0) ^ 1) });
      out.push({ label: `frame ${n} last ciphertext byte ^1`, bytes: withByte(m, frame.end - 17, (m[frame.end - 17] ?? 0) ^ 1) });
    }
    for (const t of [0, 15]) out.push({ label: `frame ${n} tag byte ${t} ^1`, bytes: withByte(m, frame.end - 16 + t, (m[frame.end - 16 + t] ?? 0) ^ 1) });
    const without = Buffer.concat([m.subarray(0, frame.start), m.subarray(frame.end)]);
    out.push({ label: `frame ${n} dropped`, bytes: without });
    out.push({ label: `frame ${n} doubled`, bytes: Buffer.concat([m.subarray(0, frame.end), m.subarray(frame.start)]) });
  });
  const regular = layout.frames.filter((f) => !f.final);
  if (regular.length >= 2) {
    const [a, b] = regular as [Layout['frames'][number], Layout['frames'][number]];
    out.push({ label: 'frames 1 and 2 swapped', bytes: Buffer.concat([m.subarray(0, a.start), m.subarray(b.start, b.end), m.subarray(a.start, a.end), m.subarray(b.end)]) });
  }
  out.push({ label: 'body dropped', bytes: Buffer.concat([m.subarray(0, layout.bodyStart), m.subarray(layout.footerStart)]) });
  return out;
}

/** The footer: its length field, each signature byte, bytes added or removed after the body. */
export function footerMutations(m: Buffer): Mutation[] {
  const layout = layoutOf(m);
  const out: Mutation[] = [];
  const at = layout.footerStart;
  out.push({ label: 'one byte appended', bytes: Buffer.concat([m, Buffer.from([0])]) });
  out.push({ label: 'footer replaced by 0000', bytes: Buffer.concat([m.subarray(0, at), Buffer.from([0, 0])]) });
  out.push({ label: 'footer dropped', bytes: m.subarray(0, at) });
  if (!layout.signed) return out;
  const length = m.readUInt16BE(at);
  for (const value of [0, 1, length - 1, length + 1, 0xffff]) out.push({ label: `signature length ${value}`, bytes: with16(m, at, value) });
  for (let i = at + 2; i < m.length; i += 1) out.push({ label: `signature byte ${i - at - 2} ^1`, bytes: withByte(m, i, (m[i] ?? 0) ^ 1) });
  out.push({ label: 'last signature byte dropped', bytes: m.subarray(0, m.length - 1) });
  return out;
}

/** Seeded random damage: flips, insertions, deletions and splices with another message. */
export function randomMutation(prng: Prng, m: Buffer, other: Buffer): Mutation {
  const kind = prng.int(6);
  const at = prng.int(m.length);
  switch (kind) {
    case 0: {
      const out = Buffer.from(m);
      const flips = prng.between(1, 3);
      for (let i = 0; i < flips; i += 1) {
        const p = prng.int(out.length);
        out[p] = (out[p] ?? 0) ^ (1 << prng.int(8));
      }
      return { label: `${flips} random bit flips`, bytes: out };
    }
    case 1: {
      const junk = Buffer.from(Array.from({ length: prng.between(1, 40) }, () => prng.int(256)));
      return { label: `${junk.length} bytes inserted at ${at}`, bytes: Buffer.concat([m.subarray(0, at), junk, m.subarray(at)]) };
    }
    case 2: {
      const n = prng.between(1, 40);
      return { label: `${n} bytes deleted at ${at}`, bytes: Buffer.concat([m.subarray(0, at), m.subarray(at + n)]) };
    }
    case 3: {
      const from = prng.int(other.length);
      return { label: `spliced at ${at} with the other message from ${from}`, bytes: Buffer.concat([m.subarray(0, at), other.subarray(from)]) };
    }
    case 4: {
      const out = Buffer.from(m);
      out[at] = prng.int(256);
      return { label: `byte ${at} set at random`, bytes: out };
    }
    default: {
      const length = prng.between(1, 8);
      const to = prng.int(m.length);
      const out = Buffer.from(m);
      m.copy(out, to, at, at + length);
      return { label: `${length} bytes copied from ${at} to ${to}`, bytes: out };
    }
  }
}
