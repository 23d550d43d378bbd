import { createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { aesGcmBackend, IV_BYTES, PIECE_FIELDS, sealPieces, TAG_BYTES, type AesGcmBackend } from './index.js';

const built = aesGcmBackend().backend === 'native';

interface Piece {
  iv: Buffer;
  aad: Buffer;
  plainAt: number;
  plainLength: number;
}

/** Pieces laid out the way a message lays out frames: IV and AAD in the side buffer, outputs one after another. */
function layoutOf(pieces: Piece[]): { side: Buffer; layout: Uint32Array; outBytes: number; outAts: number[] } {
  const side = Buffer.concat(pieces.flatMap((p) => [p.iv, p.aad]));
  const layout = new Uint32Array(pieces.length * PIECE_FIELDS);
  const outAts: number[] = [];
  let sideAt = 0;
  let outAt = 3; // not at 0: offsets must be honoured
  pieces.forEach((p, i) => {
    layout.set([sideAt, sideAt + IV_BYTES, p.aad.length, p.plainAt, p.plainLength, outAt], i * PIECE_FIELDS);
    outAts.push(outAt);
    sideAt += IV_BYTES + p.aad.length;
    outAt += p.plainLength + TAG_BYTES + 5;
  });
  return { side, layout, outBytes: outAt, outAts };
}

function randomPieces(plaintext: Buffer, count: number): Piece[] {
  return Array.from({ length: count }, (_, i) => {
    const plainAt = (i * 977) % Math.max(1, plaintext.length);
    const plainLength = i === 0 ? 0 : Math.min(plaintext.length - plainAt, 1 + ((i * 4099) % 5000));
    return { iv: randomBytes(IV_BYTES), aad: randomBytes(i % 3 === 0 ? 0 : 20 + i), plainAt, plainLength };
  });
}

function sealed(backend: AesGcmBackend, key: Buffer, plaintext: Buffer, pieces: Piece[]): { out: Buffer; outAts: number[] } {
  const { side, layout, outBytes, outAts } = layoutOf(pieces);
  const out = Buffer.alloc(outBytes, 0xee);
  sealPieces(key, plaintext, side, out, layout, backend);
  return { out, outAts };
}

describe('sealPieces', () => {
  it('uses the addon where CI builds it', () => {
    if (process.env.DAS_NATIVE_REQUIRED === '1') expect(aesGcmBackend()).toEqual({ backend: 'native' });
    else expect(['native', 'node:crypto']).toContain(aesGcmBackend().backend);
  });

  for (const backend of ['native', 'node:crypto'] as const) {
    it.skipIf(backend === 'native' && !built)(`${backend}: every piece opens with node:crypto, for AES-128, -192 and -256`, () => {
      const plaintext = randomBytes(40_000);
      for (const keyBytes of [16, 24, 32]) {
        const key = randomBytes(keyBytes);
        const pieces = randomPieces(plaintext, 12);
        const { out, outAts } = sealed(backend, key, plaintext, pieces);
        pieces.forEach((p, i) => {
          const at = outAts[i] as number;
          const decipher = createDecipheriv(`aes-${keyBytes * 8}-gcm` as CipherGCMTypes, key, p.iv);
          decipher.setAAD(p.aad);
          decipher.setAuthTag(out.subarray(at + p.plainLength, at + p.plainLength + TAG_BYTES));
          const opened = Buffer.concat([decipher.update(out.subarray(at, at + p.plainLength)), decipher.final()]);
          expect(opened.equals(plaintext.subarray(p.plainAt, p.plainAt + p.plainLength))).toBe(true);
        });
        // Bytes between the pieces are not written.
        expect(out[0]).toBe(0xee);
        expect(out[(outAts[1] as number) - 1]).toBe(0xee);
      }
    });
  }

  it.skipIf(!built)('writes the same bytes as node:crypto', () => {
    const plaintext = randomBytes(30_000);
    const key = randomBytes(32);
    const pieces = randomPieces(plaintext, 9);
    expect(sealed('native', key, plaintext, pieces).out.equals(sealed('node:crypto', key, plaintext, pieces).out)).toBe(true);
  });

  for (const backend of ['native', 'node:crypto'] as const) {
    it.skipIf(backend === 'native' && !built)(`${backend}: refuses a layout that points outside a buffer, writing nothing`, () => {
      const plaintext = randomBytes(100);
      const key = randomBytes(32);
      const good = layoutOf([{ iv: randomBytes(IV_BYTES), aad: randomBytes(8), plainAt: 0, plainLength: 100 }]);
      const cases: [string, (layout: Uint32Array) => void][] = [
        ['IV', (l) => (l[0] = good.side.length - 4)],
        ['AAD', (l) => (l[2] = 4096)],
        ['plaintext', (l) => (l[3] = 1)],
        ['output', (l) => (l[5] = good.outBytes - 20)],
        ['a wrapped offset', (l) => (l[3] = 0xffff_ffff)],
      ];
      for (const [, spoil] of cases) {
        const layout = good.layout.slice();
        spoil(layout);
        const out = Buffer.alloc(good.outBytes);
        expect(() => sealPieces(key, plaintext, good.side, out, layout, backend)).toThrow(/outside its buffer/);
        expect(out.every((byte) => byte === 0)).toBe(true);
      }
      const out = Buffer.alloc(good.outBytes);
      expect(() => sealPieces(randomBytes(20), plaintext, good.side, out, good.layout, backend)).toThrow(/16, 24 or 32 bytes/);
      expect(() => sealPieces(key, plaintext, good.side, out, good.layout.subarray(0, 5), backend)).toThrow(/six numbers a piece/);
    });
  }

  it.skipIf(!built)('refuses arguments of the wrong type', () => {
    const call = sealPieces as unknown as (...args: unknown[]) => void;
    expect(() => call(randomBytes(32), 'text', Buffer.alloc(12), Buffer.alloc(16), new Uint32Array(6), 'native')).toThrow(/Uint8Arrays and a Uint32Array/);
    expect(() => call(randomBytes(32), Buffer.alloc(1), Buffer.alloc(12), Buffer.alloc(16), new Uint8Array(6), 'native')).toThrow(/Uint8Arrays and a Uint32Array/);
  });

  it.skipIf(!built)('works in worker threads at once', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { createDecipheriv, randomBytes } = require('node:crypto');
      import(workerData.module).then(({ sealPieces, aesGcmBackend }) => {
        let ok = aesGcmBackend().backend === 'native';
        for (let i = 0; i < 200; i++) {
          const key = randomBytes(32), iv = randomBytes(12), plain = randomBytes(1000 + i);
          const out = Buffer.alloc(plain.length + 16);
          sealPieces(key, plain, iv, out, new Uint32Array([0, 0, 0, 0, plain.length, 0]));
          const d = createDecipheriv('aes-256-gcm', key, iv);
          d.setAuthTag(out.subarray(plain.length));
          ok = ok && Buffer.concat([d.update(out.subarray(0, plain.length)), d.final()]).equals(plain);
        }
        parentPort.postMessage(ok);
      });`;
    const module = new URL('../dist/index.js', import.meta.url).href;
    // The built package and its built dependencies: without the test runner's --conditions.
    const workers = [1, 2, 3].map(() => new Worker(source, { eval: true, execArgv: [], workerData: { module } }));
    const results = await Promise.all(workers.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject))));
    await Promise.all(workers.map((w) => w.terminate()));
    expect(results).toEqual([true, true, true]);
  });
});
