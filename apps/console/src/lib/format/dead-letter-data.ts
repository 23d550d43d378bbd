// A dead letter's record data (base64) made readable: the JSON envelope when it parses, else the
// text, else a hex dump. Only ever run on the letter the user opened.

export type DecodedData =
  | { kind: 'json'; text: string; bytes: number }
  | { kind: 'text'; text: string; bytes: number }
  | { kind: 'binary'; text: string; bytes: number }
  | { kind: 'invalid'; text: string; bytes: number };

/** How much of a payload is rendered before "show all": 64 KB keeps the page quick. */
export const PREVIEW_CHARS = 64 * 1024;

function base64Bytes(data: string): Uint8Array | null {
  try {
    const binary = atob(data);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** `00 01 ff …`, 16 bytes a line with their offset. */
export function hexDump(bytes: Uint8Array, maxBytes = 4096): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, maxBytes);
  for (let offset = 0; offset < end; offset += 16) {
    const row = Array.from(bytes.subarray(offset, Math.min(offset + 16, end)), (b) => b.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${row}`);
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`);
  return lines.join('\n');
}

/** Decodes the base64 record data: JSON (pretty), UTF-8 text, or hex. */
export function decodeRecordData(data: string): DecodedData {
  const bytes = base64Bytes(data);
  if (bytes === null) return { kind: 'invalid', text: data, bytes: data.length };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'binary', text: hexDump(bytes), bytes: bytes.length };
  }
  try {
    return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2), bytes: bytes.length };
  } catch {
    return { kind: 'text', text, bytes: bytes.length };
  }
}

/** `412345` → `403 KB`. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
