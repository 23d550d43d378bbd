// The message body (spec data-format/message-body.md): framed or non-framed, decrypted part by
// part with the checks the reference SDK makes (sequence numbers, final frame, lengths, tags).
import { createDecipheriv } from 'node:crypto';
import { bodyAad, type BodyPart } from './body-aad.js';
import type { MessageHeader } from './header.js';
import { need, refuse } from './refusal.js';
import { IV_BYTES, TAG_BYTES } from './suites.js';

const NON_FRAMED = 1;
const FRAMED = 2;
const FINAL_FRAME_MARKER = 0xffff_ffff;
/** The SDK's bound on a non-framed body (2^36 − 32, the most one GCM nonce may encrypt). */
const MAX_NON_FRAMED_BYTES = 68_719_476_704;

/** The decrypted body and where it ended (the footer, if any, starts there). */
export interface DecryptedBody {
  plaintext: Buffer;
  end: number;
}

/**
 * Decrypts the body of `m` after `header` with the content key. `maxPartBytes` bounds each
 * frame (the SDK's `maxBodySize`), refused before anything is decrypted.
 */
export function decryptBody(m: Buffer, header: MessageHeader, contentKey: Buffer, maxPartBytes: number): DecryptedBody {
  if (header.contentType === FRAMED) return decryptFrames(m, header, contentKey, maxPartBytes);
  if (header.contentType === NON_FRAMED) return decryptSingleBlock(m, header, contentKey, maxPartBytes);
  return refuse('HEADER_MALFORMED', `content type ${header.contentType}`);
}

function decryptFrames(m: Buffer, header: MessageHeader, contentKey: Buffer, maxPartBytes: number): DecryptedBody {
  const chunks: Buffer[] = [];
  let pos = header.bodyStart;
  for (let expected = 1; ; expected += 1) {
    need(pos + 4 + IV_BYTES, m.length, `frame ${expected}`);
    let sequenceNumber = m.readUInt32BE(pos);
    if (sequenceNumber === 0) refuse('FRAME_MALFORMED', 'sequence number 0');
    const final = sequenceNumber === FINAL_FRAME_MARKER;
    let contentLength = header.frameLength;
    if (final) {
      need(pos + 4 + 4 + IV_BYTES + 4, m.length, 'final frame header');
      sequenceNumber = m.readUInt32BE(pos + 4);
      if (sequenceNumber === 0) refuse('FRAME_MALFORMED', 'sequence number 0');
      pos += 4;
    }
    const iv = m.subarray(pos + 4, pos + 4 + IV_BYTES);
    pos += 4 + IV_BYTES;
    if (final) {
      contentLength = m.readUInt32BE(pos);
      pos += 4;
      if (contentLength > header.frameLength) refuse('FRAME_MALFORMED', `final frame of ${contentLength} bytes, frame length ${header.frameLength}`);
    }
    if (contentLength > maxPartBytes) refuse('BODY_TOO_LARGE', `frame of ${contentLength} bytes, more than ${maxPartBytes}`);
    if (sequenceNumber !== expected) refuse('FRAME_MALFORMED', `frame ${sequenceNumber} where ${expected} was due`);
    need(pos + contentLength + TAG_BYTES, m.length, `frame ${expected}`);
    const part: BodyPart = final ? 'final-frame' : 'frame';
    chunks.push(openPart(header, contentKey, iv, bodyAad(header.messageId, part, sequenceNumber, contentLength), m, pos, contentLength, 'FRAME_AUTH_FAILED'));
    pos += contentLength + TAG_BYTES;
    if (final) return { plaintext: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), end: pos };
  }
}

function decryptSingleBlock(m: Buffer, header: MessageHeader, contentKey: Buffer, maxPartBytes: number): DecryptedBody {
  let pos = header.bodyStart;
  need(pos + IV_BYTES + 8, m.length, 'non-framed body header');
  const iv = m.subarray(pos, pos + IV_BYTES);
  pos += IV_BYTES;
  const high = m.readUInt32BE(pos);
  const contentLength = high * 0x1_0000_0000 + m.readUInt32BE(pos + 4);
  pos += 8;
  if (high >= 0x20_0000 || contentLength >= MAX_NON_FRAMED_BYTES) refuse('FRAME_MALFORMED', 'non-framed content length out of bounds');
  if (contentLength > maxPartBytes) refuse('BODY_TOO_LARGE', `body of ${contentLength} bytes, more than ${maxPartBytes}`);
  need(pos + contentLength + TAG_BYTES, m.length, 'non-framed body');
  const aad = bodyAad(header.messageId, 'single-block', 1, contentLength);
  const plaintext = openPart(header, contentKey, iv, aad, m, pos, contentLength, 'FRAME_AUTH_FAILED');
  return { plaintext, end: pos + contentLength + TAG_BYTES };
}

/** AES-GCM decrypts `length` bytes at `at` (tag right after them); refuses with `failure`. */
function openPart(header: MessageHeader, key: Buffer, iv: Buffer, aad: Buffer, m: Buffer, at: number, length: number, failure: 'FRAME_AUTH_FAILED'): Buffer {
  const decipher = createDecipheriv(header.suite.cipher, key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(m.subarray(at + length, at + length + TAG_BYTES));
  const out = decipher.update(m.subarray(at, at + length));
  try {
    decipher.final();
  } catch {
    out.fill(0); // never hand out unauthenticated plaintext
    refuse(failure, 'a body tag does not verify');
  }
  return out;
}
