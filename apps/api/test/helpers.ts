import { Writable } from 'node:stream';
import type { AwsClients } from '../src/aws-clients.js';
import { buildApp, type BuildAppOptions } from '../src/app.js';
import type { ApiConfig } from '../src/config.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

/** A command handler of a stubbed client: receives the command's input. */
export type Handler = (input: Record<string, unknown>) => unknown;

/** A client whose `send` dispatches by command name (`ListKeysCommand` → `ListKeys`). */
export function stubClient(handlers: Record<string, Handler>, calls: { op: string; input: Record<string, unknown> }[] = []) {
  return {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const op = command.constructor.name.replace(/Command$/, '');
      calls.push({ op, input: command.input });
      const handler = handlers[op];
      if (!handler) throw Object.assign(new Error(`stub has no ${op}`), { name: 'StubMissing' });
      return handler(command.input);
    },
  };
}

/** An SDK-shaped service error as the v3 clients throw it. */
export function awsError(name: string, status = 400, message = `${name} from the stub`, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers },
  });
}

export function stubAws(parts: { kms?: Record<string, Handler>; rds?: Record<string, Handler>; ssm?: Record<string, Handler> } = {}) {
  const calls: { op: string; input: Record<string, unknown> }[] = [];
  const aws = {
    kms: stubClient(parts.kms ?? {}, calls),
    rds: stubClient(parts.rds ?? {}, calls),
    ssm: stubClient(parts.ssm ?? {}, calls),
    region: async () => 'eu-west-1',
    destroy: () => undefined,
  } as unknown as AwsClients;
  return { aws, calls };
}

export function testConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    token: TEST_TOKEN,
    dataDir: '/nonexistent-das-test',
    consoleOrigins: ['http://127.0.0.1:7400', 'http://127.0.0.1:5173'],
    workerUrl: 'http://127.0.0.1:7401',
    loadDocument: 'DAS-Lab-TpccLoad',
    logLevel: 'silent',
    aws: { region: 'eu-west-1' },
    ...overrides,
  };
}

/** Collects everything the logger writes. */
export function logCapture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export async function buildTestApp(aws: AwsClients, overrides: Partial<ApiConfig> = {}, options: BuildAppOptions = {}) {
  return buildApp(testConfig(overrides), { aws, ...options });
}

/** Parses `event: x\ndata: {...}\n\n` frames. */
export function sseFrames(text: string): { event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim())
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null');
      return { event, data };
    });
}
