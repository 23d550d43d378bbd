import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipBackend, gzipFastest } from './index.js';

const built = gzipBackend().backend === 'isa-l';

/** Event JSON like a record's: repetitive keys, varying numbers and text. */
function payloadLike(events: number): Buffer {
  const list = Array.from({ length: events }, (_, i) => ({
    type: 'record',
    class: i % 3 === 0 ? 'AUX' : 'MAIN',
    commandText: `SELECT s_quantity, s_data FROM stock WHERE s_i_id = ${(i * 7919) % 100_000} AND s_w_id = 1 -- ${'é✓'.repeat(i % 4)}`,
    endTime: `2026-12-07 08:00:${String(i % 60).padStart(2, '0')}.${String(i * 37).padStart(6, '0')}+00`,
    statementId: 1_000_000 + i,
  }));
  return Buffer.from(JSON.stringify({ type: 'DatabaseActivityMonitoringRecord', databaseActivityEventList: list }));
}

describe('gzipFastest', () => {
  it('uses ISA-L where CI builds it', () => {
    if (process.env.DAS_NATIVE_REQUIRED === '1') expect(gzipBackend()).toEqual({ backend: 'isa-l' });
    else expect(['isa-l', 'zlib']).toContain(gzipBackend().backend);
  });

  for (const backend of ['isa-l', 'zlib'] as const) {
    it.skipIf(backend === 'isa-l' && !built)(`${backend}: gzip that zlib inflates to the same bytes, any size and content`, () => {
      const inputs = [Buffer.alloc(0), Buffer.from('x'), randomBytes(100_000), payloadLike(500), payloadLike(1500), Buffer.from(new Uint8Array(payloadLike(3)).subarray(5, 40))];
      for (const input of inputs) {
        const gzipped = gzipFastest(input, backend);
        expect(gzipped.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
        expect(gunzipSync(gzipped).equals(input)).toBe(true);
      }
    });
  }

  it.skipIf(!built)('compresses a record of event JSON to within a fifth of zlib level 1', () => {
    const payload = payloadLike(500);
    const zlib = gzipFastest(payload, 'zlib').length;
    expect(gzipFastest(payload, 'isa-l').length).toBeLessThan(zlib * 1.2);
    expect(gzipFastest(payload, 'isa-l').length).toBeLessThan(payload.length / 5);
  });

  it.skipIf(!built)('has room for data that does not compress, and refuses a bad level', () => {
    const noise = randomBytes(3 << 20);
    expect(gunzipSync(gzipFastest(noise, 'isa-l')).equals(noise)).toBe(true);
    const addon = createRequire(import.meta.url)(fileURLToPath(new URL('../dist/native/deflate.node', import.meta.url))) as { gzip(data: Uint8Array, level: number): Buffer };
    for (const level of [0, 1, 2, 3]) expect(gunzipSync(addon.gzip(noise.subarray(0, 70_000), level)).equals(noise.subarray(0, 70_000))).toBe(true);
    expect(() => addon.gzip(noise, 4)).toThrow(/level from 0 to 3/);
    expect(() => addon.gzip('text' as unknown as Uint8Array, 1)).toThrow(/Uint8Array/);
  });

  it.skipIf(!built)('works in worker threads at once, each with its own compressor', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { gunzipSync } = require('node:zlib');
      import(workerData.module).then(({ gzipFastest, gzipBackend }) => {
        let ok = gzipBackend().backend === 'isa-l';
        for (let i = 0; i < 200; i++) {
          const input = Buffer.from(JSON.stringify({ worker: workerData.id, i, text: 'abc'.repeat(i * 50) }));
          ok = ok && gunzipSync(gzipFastest(input)).equals(input);
        }
        parentPort.postMessage(ok);
      });`;
    const module = new URL('../dist/index.js', import.meta.url).href;
    // The built package and its built dependencies: without the test runner's --conditions.
    const workers = [1, 2, 3].map((id) => new Worker(source, { eval: true, execArgv: [], workerData: { module, id } }));
    const results = await Promise.all(workers.map((w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject))));
    await Promise.all(workers.map((w) => w.terminate()));
    expect(results).toEqual([true, true, true]);
  });

  it('DAS_GZIP=zlib rules ISA-L out', () => {
    process.env.DAS_GZIP = 'zlib';
    try {
      expect(gzipBackend()).toEqual({ backend: 'zlib', reason: 'DAS_GZIP=zlib' });
    } finally {
      delete process.env.DAS_GZIP;
    }
  });
});
