import { ListKeysCommand } from '@aws-sdk/client-kms';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { API_VERSION, apiRoutes, CaptureSealingSchema, type ReadinessCheck, routeSchema, StreamCostSchema, type StreamCost } from '@das/contracts';
import { Value } from 'typebox/value';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AwsClients } from '../aws-clients.js';
import { toErrorResponse } from '../plugins/error-handler.js';

export interface SystemRoutesOptions {
  aws: AwsClients;
  workerUrl: string;
  /** AWS_ENDPOINT_URL when set: an emulator, whose `/health` says what feeds its streams. */
  emulatorEndpoint?: string;
  /** Per-service budget of `/readyz`. */
  readyTimeoutMs?: number;
}

const TIMED_OUT = Symbol('timed out');

/** das-local's `/health` (unsigned); other emulators, or none answering, give null. */
async function emulatorHealth(endpoint: string): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(new URL('/health', endpoint), { signal: AbortSignal.timeout(1_000) });
    if (!response.ok) return null;
    const health: unknown = await response.json();
    return typeof health === 'object' && health !== null ? (health as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The emulator's activity source by name, when its `/health` says. */
async function emulatorSource(endpoint: string): Promise<{ kind: string; note?: string } | undefined> {
  const health = await emulatorHealth(endpoint);
  if (typeof health?.['source'] !== 'string') return undefined;
  const note = health['sourceNote'];
  return { kind: health['source'], ...(typeof note === 'string' ? { note } : {}) };
}

/**
 * What the emulator's capture costs per cluster and which code seals its records (`captureCost`
 * and `captureSealing` of its `/health`), each checked against the contract.
 */
async function emulatorCaptureCost(endpoint: string): Promise<StreamCost> {
  const health = await emulatorHealth(endpoint);
  const costs = health?.['captureCost'];
  const wanted: StreamCost = { clusters: typeof costs === 'object' && costs !== null ? (costs as StreamCost['clusters']) : {} };
  const clusters = Value.Check(StreamCostSchema, wanted) ? wanted.clusters : {};
  const sealing: unknown = health?.['captureSealing'];
  return Value.Check(CaptureSealingSchema, sealing) ? { clusters, sealing } : { clusters };
}

/** One readiness call within a budget: aborts the SDK request and stops waiting when it is spent. */
async function check(call: (signal: AbortSignal) => Promise<unknown>, timeoutMs: number): Promise<ReadinessCheck> {
  const started = performance.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(TIMED_OUT);
    }, timeoutMs);
  });
  try {
    const outcome = await Promise.race([call(abort.signal), budget]);
    const ms = Math.round(performance.now() - started);
    if (outcome === TIMED_OUT) return { ok: false, ms, code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms` };
    return { ok: true, ms };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    if (abort.signal.aborted) return { ok: false, ms, code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms` };
    const { body } = toErrorResponse(error);
    return { ok: false, ms, code: body.awsCode ?? body.code, message: body.message };
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness, readiness (one cheap call per AWS service) and the console's public bootstrap config. */
export const systemRoutes: FastifyPluginAsyncTypebox<SystemRoutesOptions> = async (app, options) => {
  const { aws, readyTimeoutMs = 2_000 } = options;
  app.get('/healthz', { schema: routeSchema(apiRoutes.health, 'system', 'The process is up'), logLevel: 'warn' }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: { ...routeSchema(apiRoutes.readiness, 'system', 'KMS, RDS and SSM answer'), response: { 200: apiRoutes.readiness.response, 503: apiRoutes.readiness.response, '4xx': routeSchema(apiRoutes.readiness, 'system', '').response['4xx'] } } }, async (_request, reply) => {
    const [kms, rds, ssm] = await Promise.all([
      check((abortSignal) => aws.kms.send(new ListKeysCommand({ Limit: 1 }), { abortSignal }), readyTimeoutMs),
      check((abortSignal) => aws.rds.send(new DescribeDBClustersCommand({ MaxRecords: 20 }), { abortSignal }), readyTimeoutMs),
      check((abortSignal) => aws.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }), { abortSignal }), readyTimeoutMs),
    ]);
    const checks = { kms, rds, ssm };
    const failed = Object.entries(checks).filter(([, result]) => !result.ok).map(([name]) => name);
    return reply.code(failed.length ? 503 : 200).send({ status: failed.length ? 'unavailable' : 'ready', checks, failed });
  });

  app.get('/console-config', { schema: routeSchema(apiRoutes.consoleConfig, 'system', 'Where the console finds the worker (public, no secrets)') }, async () => {
    const streamSource = options.emulatorEndpoint === undefined ? undefined : await emulatorSource(options.emulatorEndpoint);
    return {
      workerUrl: options.workerUrl,
      apiVersion: API_VERSION,
      region: await aws.region(),
      endpointOverride: options.emulatorEndpoint !== undefined,
      ...(streamSource === undefined ? {} : { streamSource }),
    };
  });

  app.get(
    '/stream-cost',
    { schema: routeSchema(apiRoutes.streamCost, 'system', "What the emulator's activity-stream capture costs (CPU, events/s) and which code seals its records") },
    async (): Promise<StreamCost> => (options.emulatorEndpoint === undefined ? { clusters: {} } : await emulatorCaptureCost(options.emulatorEndpoint)),
  );
};
