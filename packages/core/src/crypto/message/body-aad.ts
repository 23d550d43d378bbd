// The AAD of each body part (spec data-format/message-body-aad.md).

const FRAME = Buffer.from('AWSKMSEncryptionClient Frame', 'utf8');
const FINAL_FRAME = Buffer.from('AWSKMSEncryptionClient Final Frame', 'utf8');
const SINGLE_BLOCK = Buffer.from('AWSKMSEncryptionClient Single Block', 'utf8');

/** Which body part an AAD is for. */
export type BodyPart = 'frame' | 'final-frame' | 'single-block';

const CONTENT_STRINGS: Record<BodyPart, Buffer> = { frame: FRAME, 'final-frame': FINAL_FRAME, 'single-block': SINGLE_BLOCK };

/** Bytes of a body part's AAD for a message id of `messageIdLength` bytes. */
export function bodyAadLength(messageIdLength: number, part: BodyPart): number {
  return messageIdLength + CONTENT_STRINGS[part].length + 12;
}

/** message id ‖ content string ‖ sequence number (uint32) ‖ content length (uint64). */
export function bodyAad(messageId: Buffer, part: BodyPart, sequenceNumber: number, contentLength: number): Buffer {
  const out = Buffer.allocUnsafe(bodyAadLength(messageId.length, part));
  writeBodyAad(out, 0, messageId, part, sequenceNumber, contentLength);
  return out;
}

/** {@link bodyAad} written into `out` at `at`; returns the offset after it. */
export function writeBodyAad(out: Buffer, at: number, messageId: Buffer, part: BodyPart, sequenceNumber: number, contentLength: number): number {
  const label = CONTENT_STRINGS[part];
  messageId.copy(out, at);
  label.copy(out, at + messageId.length);
  let pos = at + messageId.length + label.length;
  out.writeUInt32BE(sequenceNumber, pos);
  pos += 4;
  // contentLength < 2^53: split into two uint32 halves.
  out.writeUInt32BE(Math.floor(contentLength / 0x1_0000_0000), pos);
  out.writeUInt32BE(contentLength % 0x1_0000_0000, pos + 4);
  return pos + 8;
}
