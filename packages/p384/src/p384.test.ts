import { createECDH, createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { derSignature, nativeP384Status, p384Backend, p384SigningKey } from './index.js';
import { nativeP384 } from './native-addon.js';

const N = Buffer.from('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973', 'hex');
const P = Buffer.from('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff', 'hex');
const built = nativeP384Status().loaded;

function b64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function scalar(hex: string): Buffer {
  return Buffer.from(hex.padStart(96, '0'), 'hex');
}

function minus(a: Buffer, small: number): Buffer {
  const out = Buffer.from(a);
  out.writeUInt32BE(out.readUInt32BE(44) - small, 44);
  return out;
}

describe('the native P-384 addon', () => {
  it('is built where CI builds it', () => {
    // CI installs a compiler and sets DAS_NATIVE_REQUIRED=1: there the fast path must be the one tested.
    if (process.env.DAS_NATIVE_REQUIRED === '1') expect(nativeP384Status()).toEqual({ loaded: true });
    expect(p384Backend().backend).toBe(nativeP384Status().loaded ? 'native' : 'node:crypto');
  });

  it.skipIf(!built)('derives the public point OpenSSL derives, edge scalars included', () => {
    const addon = nativeP384()!;
    const secrets = [scalar('1'), scalar('2'), scalar('10'), minus(N, 1), minus(N, 2), ...Array.from({ length: 100 }, () => randomBytes(48))];
    for (const secret of secrets) {
      if (Buffer.compare(secret, N) >= 0) continue;
      const ecdh = createECDH('secp384r1');
      ecdh.setPrivateKey(secret);
      expect(Buffer.concat([Buffer.from([4]), addon.publicKey(secret)]).toString('hex')).toBe(ecdh.getPublicKey().toString('hex'));
    }
  });

  it.skipIf(!built)('draws again for a nonce or blinding of 0 or out of range, and refuses a secret outside [1, n-1]', () => {
    const addon = nativeP384()!;
    const digest = createHash('sha384').update('x').digest();
    const draw = (nonce: Buffer, blindP: Buffer = randomBytes(48), blindN: Buffer = randomBytes(48)) => addon.sign(scalar('5'), digest, Buffer.concat([nonce, blindP, blindN]));
    expect(draw(Buffer.alloc(48))).toBeUndefined();
    expect(draw(N)).toBeUndefined();
    expect(draw(scalar('7'), Buffer.alloc(48, 0xff))).toBeUndefined(); // ≥ p
    expect(draw(scalar('7'), scalar('3'), Buffer.alloc(48))).toBeUndefined();
    expect(draw(scalar('7'), scalar('3'), N)).toBeUndefined();
    // The largest nonce and blindings in range sign, and OpenSSL verifies it.
    const ecdh = createECDH('secp384r1');
    ecdh.setPrivateKey(scalar('5'));
    const rs = draw(minus(N, 1), minus(P, 1), minus(N, 1));
    expect(rs).toHaveLength(96);
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-384', x: b64url(ecdh.getPublicKey().subarray(1, 49)), y: b64url(ecdh.getPublicKey().subarray(49)) }, format: 'jwk' });
    expect(verify('sha384', Buffer.from('x'), { key, dsaEncoding: 'ieee-p1363' }, rs!)).toBe(true);
    expect(() => addon.sign(N, digest, randomBytes(144))).toThrow(/not in \[1, n-1\]/);
    expect(() => addon.sign(Buffer.alloc(48), digest, randomBytes(144))).toThrow(/not in \[1, n-1\]/);
    expect(() => addon.sign(scalar('5'), digest.subarray(1), randomBytes(144))).toThrow(/48-byte digest/);
    expect(() => addon.sign(scalar('5'), digest, randomBytes(48))).toThrow(/144 random bytes/);
    expect(() => addon.publicKey(Buffer.alloc(47))).toThrow(/48-byte Buffer/);
  });

  it.skipIf(!built)('signs in a worker thread too', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { createPrivateKey } = require('node:crypto');
      import(workerData.module).then(({ p384SigningKey }) => {
        const key = p384SigningKey(createPrivateKey({ key: workerData.pem, format: 'pem' }));
        parentPort.postMessage({ backend: key.backend, signature: key.sign(Buffer.from('from a worker')) });
      });`;
    // The built package and its built dependencies: without the test runner's --conditions.
    const worker = new Worker(source, {
      eval: true,
      execArgv: [],
      workerData: { module: new URL('../dist/index.js', import.meta.url).href, pem: privateKey.export({ format: 'pem', type: 'pkcs8' }) },
    });
    const reply = await new Promise<{ backend: string; signature: Uint8Array }>((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(reply.backend).toBe('native');
    expect(verify('sha384', Buffer.from('from a worker'), { key: publicKey, dsaEncoding: 'der' }, reply.signature)).toBe(true);
  });
});

describe('p384SigningKey', () => {
  for (const backend of ['auto', 'node:crypto'] as const) {
    it(`${backend}: signatures OpenSSL verifies, over random keys and messages; a changed message fails`, () => {
      for (let i = 0; i < 20; i++) {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
        const key = p384SigningKey(privateKey, { backend });
        expect(key.backend).toBe(backend === 'auto' && built ? 'native' : 'node:crypto');
        for (let j = 0; j < 10; j++) {
          const data = randomBytes(1 + 997 * j);
          const signature = key.sign(data);
          expect(verify('sha384', data, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
          data[0] = (data[0] ?? 0) ^ 1;
          expect(verify('sha384', data, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(false);
        }
      }
    });
  }

  it('uses a fresh nonce for every signature', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const key = p384SigningKey(privateKey);
    const data = Buffer.from('the same record twice');
    expect(key.sign(data).equals(key.sign(data))).toBe(false);
  });

  it('refuses a key of another curve or a public key', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    expect(() => p384SigningKey(p256.privateKey)).toThrow(/P-384/);
    expect(() => p384SigningKey(p384.publicKey)).toThrow(/P-384/);
  });

  it('DAS_P384=node:crypto rules the addon out', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    process.env.DAS_P384 = 'node:crypto';
    try {
      expect(p384SigningKey(privateKey).backend).toBe('node:crypto');
      expect(p384Backend()).toEqual({ backend: 'node:crypto', reason: 'DAS_P384=node:crypto' });
    } finally {
      delete process.env.DAS_P384;
    }
  });
});

describe('derSignature', () => {
  it('writes DER that OpenSSL reads for its own r ‖ s, high-bit integers included; drops leading zeros', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    let highSeen = false;
    for (let i = 0; i < 400 && !highSeen; i++) {
      const data = Buffer.from(`message ${i}`);
      const rs = sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      highSeen ||= ((rs[0] ?? 0) & 0x80) !== 0;
      expect(verify('sha384', data, { key: publicKey, dsaEncoding: 'der' }, derSignature(rs))).toBe(true);
    }
    expect(highSeen).toBe(true);
    // A leading zero byte: built by hand, DER drops it.
    const rs = Buffer.alloc(96, 0x11);
    rs[0] = 0;
    expect(derSignature(rs).subarray(0, 4)).toEqual(Buffer.from([0x30, 2 + 47 + 2 + 48, 0x02, 47]));
  });

  it('refuses an odd or empty input', () => {
    expect(() => derSignature(Buffer.alloc(95))).toThrow(RangeError);
    expect(() => derSignature(Buffer.alloc(0))).toThrow(RangeError);
  });
});
