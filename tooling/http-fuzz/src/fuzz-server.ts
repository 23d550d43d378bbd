import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import type { HttpRoute } from '@das/contracts';
import { requestsFor, type FuzzRequest } from './request-arbitrary.js';

export interface FuzzServerOptions {
  /** `http://127.0.0.1:PORT` of the server under test. */
  baseUrl: string;
  token: string;
  routes: Record<string, HttpRoute>;
  /** Fixed, so that a failure can be replayed; fast-check prints it with the failing case. */
  seed: number;
  numRuns: number;
  /** Stops generating after this long (the tier stays bounded); what ran is reported. */
  timeLimitMs: number;
  /** 5xx a route answers by contract (a readiness route's 503). */
  allowed5xx?: Partial<Record<string, readonly number[]>>;
  /** Answers 200 when the server is up (checked after the run). */
  healthPath: string;
}

export interface FuzzReport {
  requests: number;
  byStatus: Record<string, number>;
  byRoute: Record<string, number>;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

function send(baseUrl: string, req: FuzzRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.target, headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) }, timeout: 15_000 },
      (response) => {
        const contentType = String(response.headers['content-type'] ?? '');
        // A server-sent event stream never ends by itself: its status and type are the answer.
        if (contentType.startsWith('text/event-stream')) {
          resolve({ status: response.statusCode ?? 0, contentType, body: '' });
          outgoing.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          // Keep the start: enough to read an error body, without holding a whole export.
          if (size < 64 * 1024) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 15 s')));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** What is wrong with an answer, or undefined when it keeps the contract. */
export function contractViolation(req: FuzzRequest, answer: Answer, allowed5xx: readonly number[] = []): string | undefined {
  if (answer.status >= 500 && !allowed5xx.includes(answer.status)) return `answered ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (answer.status >= 400 && answer.status < 500) {
    if (!answer.contentType.includes('application/json')) return `a ${answer.status} with content-type ${answer.contentType || 'none'}`;
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return `a ${answer.status} whose body is not JSON: ${answer.body.slice(0, 200)}`;
    }
    const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code) || typeof message !== 'string') {
      return `a ${answer.status} without the error body {code, message}: ${answer.body.slice(0, 200)}`;
    }
  }
  if (answer.status === 0) return `no status for ${req.method} ${req.target.slice(0, 100)}`;
  return undefined;
}

/**
 * Sends requests generated from a route table to a real server and checks every answer: no 5xx
 * (but those a route declares), the one error body on every 4xx, and the server still up after.
 */
export async function fuzzServer(options: FuzzServerOptions): Promise<FuzzReport> {
  const report: FuzzReport = { requests: 0, byStatus: {}, byRoute: {} };
  await fc.assert(
    fc.asyncProperty(requestsFor(options.routes, options.token), async (req) => {
      const answer = await send(options.baseUrl, req);
      report.requests += 1;
      report.byStatus[answer.status] = (report.byStatus[answer.status] ?? 0) + 1;
      report.byRoute[req.route] = (report.byRoute[req.route] ?? 0) + 1;
      const problem = contractViolation(req, answer, options.allowed5xx?.[req.route]);
      if (problem !== undefined) throw new Error(`${req.method} ${req.target.slice(0, 200)} (${req.route}): ${problem}`);
    }),
    { seed: options.seed, numRuns: options.numRuns, interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false, endOnFailure: true },
  );
  const health = await send(options.baseUrl, { route: 'health', method: 'GET', target: options.healthPath, headers: {} });
  if (health.status !== 200) throw new Error(`the server stopped answering after ${report.requests} requests: ${options.healthPath} → ${health.status}`);
  return report;
}

/** One line per status for the log: how the server answered. */
export function describeReport(name: string, report: FuzzReport): string {
  const statuses = Object.entries(report.byStatus).sort(([a], [b]) => Number(a) - Number(b)).map(([status, n]) => `${status}: ${n}`).join(', ');
  return `${name}: ${report.requests} generated requests over ${Object.keys(report.byRoute).length} routes; by status ${statuses}`;
}

/** The seed of the fuzz tiers; `FUZZ_SEED` replays a failure, `FUZZ_MS` sets each tier's time. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 12_000);

/**
 * The fuzz tier of one of our servers, as its test runs it: the fixed seed, a bounded time, `/healthz`
 * checked after, a readiness route's contract 503 allowed; the figures in the log, and a failure when
 * a route of the table was never reached (a route the generator missed is a gap, not a pass).
 */
export async function runFuzzTier(name: string, target: Pick<FuzzServerOptions, 'baseUrl' | 'token' | 'routes'>): Promise<FuzzReport> {
  const options: FuzzServerOptions = {
    ...target,
    seed: FUZZ_SEED,
    numRuns: 20_000,
    timeLimitMs: FUZZ_MS,
    allowed5xx: { readiness: [503] },
    healthPath: '/healthz',
  };
  const report = await fuzzServer(options);
  console.log(describeReport(name, report));
  const missed = Object.keys(options.routes).filter((route) => report.byRoute[route] === undefined);
  if (missed.length > 0) throw new Error(`${name}: no request reached ${missed.join(', ')} in ${report.requests} requests`);
  return report;
}
