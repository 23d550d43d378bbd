import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DasRecordError, KmsUnavailableError } from '../errors.js';
import { createEventGenerator } from '../fixtures/index.js';
import { createMemoryKms, kmsError } from '../testing/index.js';
import { createDataKeyCache } from './data-key-cache.js';
import { decryptRecord } from './decrypt-record.js';
import { encryptRecord } from './encrypt-record.js';
import { classifyKmsError, encryptionContextFor, kmsPortFromClient } from './kms-port.js';

const RESOURCE_ID = 'cluster-4HNY5V4RRNPKKYB7ICFKE5JBQQ';

/** A minimal KMS JSON 1.1 endpoint over HTTP, backed by the memory KMS. */
function startKmsEndpoint(backend = createMemoryKms()) {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      requests.push(target);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const context = (body.EncryptionContext ?? {}) as Record<string, string>;
      const answer = async () => {
        if (target === 'TrentService.Decrypt') {
          const plaintext = await backend.decrypt(Buffer.from(String(body.CiphertextBlob), 'base64'), context);
          return { KeyId: 'arn:aws:kms:us-east-1:000000000000:key/test', Plaintext: Buffer.from(plaintext).toString('base64') };
        }
        if (target === 'TrentService.GenerateDataKey') {
          const key = await backend.generateDataKey(String(body.KeyId), context);
          return { KeyId: String(body.KeyId), Plaintext: Buffer.from(key.plaintext).toString('base64'), CiphertextBlob: Buffer.from(key.ciphertextBlob).toString('base64') };
        }
        throw kmsError('UnknownOperationException');
      };
      answer().then(
        (out) => {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(out));
        },
        (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
          res.writeHead(error.$metadata?.httpStatusCode ?? 400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: error.name, message: error.message }));
        },
      );
    });
  });
  return { server, backend, requests };
}

function clientFor(port: number): KMSClient {
  return new KMSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

describe('kmsPortFromClient with a real KMSClient over HTTP', () => {
  const endpoint = startKmsEndpoint();
  let client: KMSClient;

  beforeAll(async () => {
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', resolve));
    client = clientFor((endpoint.server.address() as AddressInfo).port);
  });
  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => endpoint.server.close(resolve));
  });

  it('encrypts with GenerateDataKey and decrypts with Decrypt, sending the encryption context', async () => {
    const kms = kmsPortFromClient(client);
    const payload = createEventGenerator({ seed: 5, engine: 'postgres' }).payload(10);
    const record = await encryptRecord(payload, { kms, keyId: 'alias/das-test', resourceId: RESOURCE_ID, suite: 'unsigned' });
    const cache = createDataKeyCache();
    const decrypted = await decryptRecord(record, { kms, resourceId: RESOURCE_ID, cache });
    expect(decrypted.payload).toEqual(payload);
    await decryptRecord(record, { kms, resourceId: RESOURCE_ID, cache });
    expect(endpoint.requests.slice(-2)).toEqual(['TrentService.GenerateDataKey', 'TrentService.Decrypt']);
  });

  it('maps real SDK exceptions: InvalidCiphertext → KEY_DECRYPT_FAILED, Throttling/500 → KmsUnavailableError', async () => {
    const kms = kmsPortFromClient(client);
    const record = await encryptRecord(createEventGenerator({ seed: 6 }).payload(2), { kms, keyId: 'alias/das-test', resourceId: RESOURCE_ID });
    await expect(decryptRecord(record, { kms, resourceId: 'cluster-ANOTHER' })).rejects.toMatchObject({
      reason: 'KEY_DECRYPT_FAILED',
      kmsErrorName: 'InvalidCiphertextException',
    });
    endpoint.backend.failNext(kmsError('ThrottlingException', 400));
    await expect(decryptRecord(record, { kms, resourceId: RESOURCE_ID })).rejects.toMatchObject({
      name: 'KmsUnavailableError',
      kmsErrorName: 'ThrottlingException',
    });
    endpoint.backend.failNext(kmsError('KMSInternalException', 500));
    await expect(decryptRecord(record, { kms, resourceId: RESOURCE_ID })).rejects.toBeInstanceOf(KmsUnavailableError);
    await expect(decryptRecord(record, { kms, resourceId: RESOURCE_ID })).resolves.toBeDefined();
  });

  it('a KMS endpoint that refuses connections is unavailable, not a bad record', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const deadClient = clientFor(port);
    const error = await kmsPortFromClient(deadClient).decrypt(new Uint8Array(8), {}).catch((e: unknown) => classifyKmsError(e));
    deadClient.destroy();
    expect(error).toBeInstanceOf(KmsUnavailableError);
  });
});

describe('encryptionContextFor / classifyKmsError', () => {
  it('uses the instance key for db- ids and the cluster key otherwise', () => {
    expect(encryptionContextFor('db-ABC')).toEqual({ 'aws:rds:db-id': 'db-ABC' });
    expect(encryptionContextFor('cluster-ABC')).toEqual({ 'aws:rds:dbc-id': 'cluster-ABC' });
  });
  it('treats unknown client faults as bad keys and unknown errors without a status as unavailable', () => {
    expect(classifyKmsError(kmsError('NewClientException', 400))).toBeInstanceOf(DasRecordError);
    expect(classifyKmsError(new Error('socket hang up'))).toBeInstanceOf(KmsUnavailableError);
    expect(classifyKmsError('weird')).toBeInstanceOf(KmsUnavailableError);
  });
});
