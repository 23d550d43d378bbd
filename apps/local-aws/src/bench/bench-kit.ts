import { request, type Agent } from 'node:http';
import { signRequest } from '../http/sign-request.js';

/** What a bench section gets: a running emulator and a way to print a figure. */
export interface BenchContext {
  endpoint: string;
  region: string;
  report(label: string, value: number, unit: string, note?: string): void;
  /** The command line after the section name, e.g. `--capture-priority inline`. */
  args: readonly string[];
}

export interface BenchSection {
  name: string;
  run(context: BenchContext): Promise<void>;
}

/** Runs `task` repeatedly with `concurrency` in flight for about `durationMs`; returns operations/s. */
export async function measureRate(durationMs: number, concurrency: number, task: () => Promise<number>): Promise<{ perSecond: number; operations: number }> {
  const started = performance.now();
  let operations = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < durationMs) {
        // Not `operations += await task()`: that reads `operations` before the await and loses
        // the other workers' increments.
        const done = await task();
        operations += done;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: operations / seconds, operations };
}

/** One JSON 1.1 call over plain HTTP/1.1 without the SDK (signed as boto3 would send it); rejects on non-200. */
export function rawJsonCall(endpoint: string, agent: Agent, target: string, body: string): Promise<void> {
  const service = target.startsWith('Kinesis') ? 'kinesis' : target.startsWith('TrentService') ? 'kms' : 'ssm';
  const url = new URL('/', endpoint);
  const headers = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
    service,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${target} answered ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
