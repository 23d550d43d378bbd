// What the bench's worker reads from, with no emulator: a consumer depends on Kinesis and KMS only.
// One loopback endpoint: Kinesis calls go to an in-process kinesalite, KMS Decrypt is answered by
// @das/core's in-memory KMS (the bench makes its records with the same one).
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createMemoryKms, type MemoryKms } from '@das/core/testing';

// kinesalite is CommonJS and its bignumber.js import breaks under ESM interop: load it with require.
const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: Record<string, unknown>) => Server;

export interface BenchAws {
  /** `AWS_ENDPOINT_URL` for the worker and the bench's own clients (any credentials). */
  endpoint: string;
  kms: MemoryKms;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** KMS's JSON protocol for the one call the worker makes: Decrypt. */
async function answerKms(kms: MemoryKms, target: string, payload: Buffer, res: ServerResponse): Promise<void> {
  const reply = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(value));
  };
  if (target !== 'TrentService.Decrypt') return reply(400, { __type: 'UnknownOperationException', message: `${target} is not served by the bench` });
  const input = JSON.parse(payload.toString('utf8')) as { CiphertextBlob: string; EncryptionContext?: Record<string, string> };
  try {
    const plaintext = await kms.decrypt(Buffer.from(input.CiphertextBlob, 'base64'), input.EncryptionContext ?? {});
    reply(200, { KeyId: 'arn:aws:kms:us-east-1:000000000000:key/bench', Plaintext: Buffer.from(plaintext).toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
  } catch (error) {
    reply(400, { __type: (error as Error).name, message: (error as Error).message });
  }
}

export async function startBenchAws(): Promise<BenchAws> {
  const kms = createMemoryKms();
  const kinesis = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
  const kinesisPort = await listen(kinesis);
  const front = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.startsWith('TrentService.')) return answerKms(kms, target, payload, res);
      const upstream = request({ host: '127.0.0.1', port: kinesisPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (error) => res.writeHead(502).end(error.message));
      upstream.end(payload);
    })();
  });
  front.keepAliveTimeout = 60_000;
  const port = await listen(front);
  const close = (server: Server) => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    kms,
    async close() {
      await close(front);
      await close(kinesis);
    },
  };
}
