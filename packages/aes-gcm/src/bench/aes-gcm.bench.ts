// AES-GCM frames of a record's message (a 25 KB gzipped payload in 4 KB frames, plus the header's
// tag): one sealPieces call into the addon against one node:crypto cipher a piece, alternated in
// one process. Run: npm run build && npm run bench -w @das/aes-gcm.
import { randomBytes } from 'node:crypto';
import { aesGcmBackend, IV_BYTES, PIECE_FIELDS, sealPieces, TAG_BYTES, type AesGcmBackend } from '../index.js';

const ROUNDS = Number(process.env.DAS_BENCH_ROUNDS ?? 5);
const MESSAGES = 400;
const PAYLOAD_BYTES = 25 * 1024;
const FRAME_BYTES = 4096;
/** A frame's AAD: message id (16) ‖ "AWSKMSEncryptionClient Frame" (28) ‖ sequence number ‖ length. */
const AAD_BYTES = 16 + 28 + 12;

/** The layout of one message: the header piece (no plaintext, a 300-byte header as AAD), then its frames. */
function messageLayout(): { side: Buffer; layout: Uint32Array; outBytes: number } {
  const frames = Math.ceil(PAYLOAD_BYTES / FRAME_BYTES);
  const side = randomBytes(IV_BYTES + 300 + frames * (IV_BYTES + AAD_BYTES));
  const layout = new Uint32Array((frames + 1) * PIECE_FIELDS);
  layout.set([0, IV_BYTES, 300, 0, 0, 0]);
  let sideAt = IV_BYTES + 300;
  let outAt = TAG_BYTES;
  for (let i = 0; i < frames; i++) {
    const length = Math.min(FRAME_BYTES, PAYLOAD_BYTES - i * FRAME_BYTES);
    layout.set([sideAt, sideAt + IV_BYTES, AAD_BYTES, i * FRAME_BYTES, length, outAt], (i + 1) * PIECE_FIELDS);
    sideAt += IV_BYTES + AAD_BYTES;
    outAt += length + TAG_BYTES;
  }
  return { side, layout, outBytes: outAt };
}

function cpuPerMessage(backend: AesGcmBackend, key: Buffer, payload: Buffer, message: ReturnType<typeof messageLayout>): number {
  const out = Buffer.allocUnsafe(message.outBytes);
  const started = process.cpuUsage();
  for (let i = 0; i < MESSAGES; i++) sealPieces(key, payload, message.side, out, message.layout, backend);
  const spent = process.cpuUsage(started);
  return (spent.user + spent.system) / MESSAGES;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const status = aesGcmBackend();
console.log(`@das/aes-gcm bench, Node ${process.version} (OpenSSL ${process.versions.openssl}); addon: ${status.backend === 'native' ? 'loaded' : `not loaded (${status.reason})`}`);
const key = randomBytes(32);
const payload = randomBytes(PAYLOAD_BYTES);
const message = messageLayout();
const backends: AesGcmBackend[] = status.backend === 'native' ? ['node:crypto', 'native'] : ['node:crypto'];
const runs = new Map<AesGcmBackend, number[]>(backends.map((b) => [b, []]));
for (let round = 0; round < ROUNDS; round++) for (const b of backends) runs.get(b)?.push(cpuPerMessage(b, key, payload, message));
const pieces = message.layout.length / PIECE_FIELDS;
for (const b of backends) console.log(`  ${b.padEnd(12)} ${median(runs.get(b) ?? []).toFixed(1).padStart(7)} µs CPU per message of ${pieces} pieces (${PAYLOAD_BYTES / 1024} KB)`);
if (backends.length === 2) {
  const [node, native] = backends.map((b) => median(runs.get(b) ?? [])) as [number, number];
  console.log(`  ratio        ${(node / native).toFixed(2)} × faster (median of ${ROUNDS} rounds of ${MESSAGES} messages); per TPC-C event (500 a record) ${(node / 500).toFixed(2)} → ${(native / 500).toFixed(2)} µs`);
}
