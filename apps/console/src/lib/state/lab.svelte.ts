// The lab's defaults and steps: @das/contracts/lab (no typebox), shared with `npm run lab`.
import { kmsAliasName, LAB_KEY_ALIAS, LAB_KEY_DESCRIPTION, labKeyStep, labStopStep, labStreamStep } from '@das/contracts/lab';
import type { Backend } from '../api/backend.js';
import type { ActivityStreamStatus, Cluster, KeySummary, LoadRun, LoadRunParameters } from '../api/types.js';
import { describeError } from './errors.js';
import { isFinished } from './load-runs.svelte.js';
import { poll } from './resource.svelte.js';


export type StepState = 'todo' | 'running' | 'done' | 'failed';

/** What a step did, in AWS terms, for the step's log. */
export interface StepNote {
  time: string;
  text: string;
}

function hasAlias(key: KeySummary, alias: string): boolean {
  return key.aliases.some((a) => kmsAliasName(a) === kmsAliasName(alias));
}

function stamp(): string {
  return new Date().toLocaleTimeString();
}

/**
 * The guided lab: create the KMS key, start the activity stream, generate load, watch the events,
 * stop the stream. Each step keeps its state and a log of what it did in AWS terms.
 */
export class LabFlow {
  keyAlias = $state(LAB_KEY_ALIAS);
  keyDescription = $state(LAB_KEY_DESCRIPTION);
  keyAdministrators = $state('');
  key = $state.raw<KeySummary | null>(null);
  keyState = $state<StepState>('todo');
  keyError = $state<string | null>(null);

  clusters = $state.raw<Cluster[]>([]);
  clusterId = $state('');
  streamMode = $state<'async' | 'sync'>('async');
  streamStatus = $state<ActivityStreamStatus | null>(null);
  streamName = $state<string | null>(null);
  streamState = $state<StepState>('todo');
  streamError = $state<string | null>(null);
  streamLog = $state<StepNote[]>([]);

  warehouses = $state(1);
  threads = $state(2);
  duration = $state(30);
  dbUser = $state('');
  dbPassword = $state('');
  loadRun = $state.raw<LoadRun | null>(null);
  loadState = $state<StepState>('todo');
  loadError = $state<string | null>(null);

  stopState = $state<StepState>('todo');
  stopError = $state<string | null>(null);
  stopLog = $state<StepNote[]>([]);

  loadingContext = $state(false);
  contextError = $state<string | null>(null);

  #backend: Backend;
  #pollMs: number;
  #stopLoadPoll: (() => void) | null = null;
  #statusAbort: AbortController | null = null;

  constructor(backend: Backend, options: { pollMs?: number } = {}) {
    this.#backend = backend;
    this.#pollMs = options.pollMs ?? 1000;
  }

  get cluster(): Cluster | null {
    return this.clusters.find((c) => c.id === this.clusterId) ?? null;
  }

  /** Picks up where the user is: an existing lab key, the clusters and their streams. */
  async init(): Promise<void> {
    this.loadingContext = true;
    this.contextError = null;
    try {
      const [keys, clusters] = await Promise.all([this.#backend.api.listKeys(), this.#backend.api.listClusters()]);
      this.clusters = clusters;
      const existing = keys.find((k) => hasAlias(k, this.keyAlias) && k.usableForDas);
      if (existing !== undefined && this.key === null) {
        this.key = existing;
        this.keyState = 'done';
      }
      if (this.clusterId === '' || this.cluster === null) this.clusterId = clusters[0]?.id ?? '';
      this.#adoptClusterStream();
    } catch (error) {
      this.contextError = describeError(error);
    } finally {
      this.loadingContext = false;
    }
  }

  #adoptClusterStream(): void {
    const stream = this.cluster?.activityStream;
    if (stream === undefined) return;
    this.streamStatus = stream.status;
    this.streamName = stream.kinesisStreamName ?? null;
    if (stream.status === 'started' && this.streamState === 'todo') this.streamState = 'done';
  }

  selectCluster(id: string): void {
    this.clusterId = id;
    this.streamState = 'todo';
    this.streamLog = [];
    this.#adoptClusterStream();
  }

  /** Step 1 (the lab's own, from @das/contracts/lab): reuse the key behind the alias, else kms:CreateKey + kms:CreateAlias. */
  async createKey(): Promise<void> {
    this.keyState = 'running';
    this.keyError = null;
    const alias = this.keyAlias.trim();
    const administrators = this.keyAdministrators
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    let key: KeySummary | null = null;
    try {
      await labKeyStep(
        {
          findLabKey: async () => {
            key = (await this.#backend.api.listKeys()).find((k) => hasAlias(k, alias) && k.usableForDas) ?? null;
            return key?.keyId ?? null;
          },
          createLabKey: async () => {
            key = (await this.#backend.api.createKey({ alias, description: this.keyDescription, ...(administrators.length > 0 ? { keyAdministrators: administrators } : {}) })).key;
            return key.keyId;
          },
        },
        () => undefined,
        alias,
      );
      this.key = key;
      this.keyState = 'done';
    } catch (error) {
      this.keyState = 'failed';
      this.keyError = describeError(error);
    }
  }

  #note(log: 'streamLog' | 'stopLog', text: string): void {
    this[log] = [...this[log], { time: stamp(), text }];
  }

  /** Follows status-events until the stream settles; falls back to polling the cluster. */
  async #followStatus(target: ActivityStreamStatus, log: 'streamLog' | 'stopLog'): Promise<boolean> {
    const clusterId = this.clusterId;
    this.#statusAbort?.abort();
    const abort = new AbortController();
    this.#statusAbort = abort;
    // An object, so the closure's writes are visible to the loop below.
    const latest: { status: ActivityStreamStatus | null } = { status: null };
    const seen = (status: ActivityStreamStatus, name?: string | null) => {
      if (name) this.streamName = name;
      if (status === latest.status) return;
      latest.status = status;
      this.streamStatus = status;
      this.#note(log, `activity stream ${status}`);
      if (status === target) abort.abort();
    };
    try {
      await this.#backend.api.watchStatus(clusterId, (event) => seen(event.activityStream.status, event.activityStream.kinesisStreamName), abort.signal);
    } catch (error) {
      if (!abort.signal.aborted) this.#note(log, `status feed unavailable (${describeError(error)}); polling`);
    }
    // Poll until settled if the feed ended early or was unavailable.
    const deadline = Date.now() + 120_000;
    while (latest.status !== target && Date.now() < deadline) {
      const cluster = await this.#backend.api.getCluster(clusterId);
      this.clusters = this.clusters.map((c) => (c.id === cluster.id ? cluster : c));
      seen(cluster.activityStream.status, cluster.activityStream.kinesisStreamName);
      if (latest.status !== target) await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
    const cluster = await this.#backend.api.getCluster(clusterId).catch(() => null);
    if (cluster !== null) this.clusters = this.clusters.map((c) => (c.id === cluster.id ? cluster : c));
    return latest.status === target;
  }

  /** Waits for the stream through the status feed; not settling in time fails the step. */
  async #settle(target: ActivityStreamStatus, log: 'streamLog' | 'stopLog'): Promise<void> {
    if (!(await this.#followStatus(target, log))) throw new Error(`The stream did not reach "${target}" within two minutes; check the Clusters screen.`);
  }

  /** Step 2 (the lab's own): rds:StartActivityStream with the lab key unless started, then watch it reach started. */
  async startStream(): Promise<void> {
    const key = this.key;
    if (key === null || this.cluster === null) return;
    this.streamState = 'running';
    this.streamError = null;
    this.streamLog = [];
    try {
      await labStreamStep(
        {
          streamStatus: async () => (await this.#backend.api.getCluster(this.clusterId)).activityStream.status,
          startStream: async () => {
            const change = await this.#backend.api.startActivityStream(this.clusterId, {
              kmsKeyId: key.keyId,
              mode: this.streamMode,
              applyImmediately: true,
              engineNativeAuditFieldsIncluded: false,
            });
            if (change.kinesisStreamName) this.streamName = change.kinesisStreamName;
            this.#note('streamLog', `rds:StartActivityStream accepted, Kinesis stream ${change.kinesisStreamName ?? '(pending)'}`);
          },
          waitForStream: (status) => this.#settle(status, 'streamLog'),
        },
        key.keyId,
        (text) => this.#note('streamLog', text),
      );
      this.streamState = 'done';
      this.stopState = 'todo';
    } catch (error) {
      this.streamState = 'failed';
      this.streamError = describeError(error);
    }
  }

  /** Step 3: ssm:SendCommand running the TPC-C-like load; polls progress. */
  async startLoad(): Promise<void> {
    this.loadState = 'running';
    this.loadError = null;
    try {
      const endpoint = this.cluster?.endpoint ?? '';
      const parameters: LoadRunParameters = { warehouses: this.warehouses, threads: this.threads, duration: this.duration };
      // Blank endpoint and credentials are left to the command document's defaults.
      if (endpoint !== '') parameters.clusterEndpoint = endpoint;
      // The AWS lab's document knows MySQL only: a PostgreSQL cluster's engine and port are named.
      if (this.cluster?.engine.includes('postgres') === true) {
        parameters.engine = 'postgres';
        if (this.cluster.port !== undefined) parameters.port = this.cluster.port;
      }
      if (this.dbUser.trim() !== '') parameters.dbUser = this.dbUser.trim();
      if (this.dbPassword !== '') parameters.dbPassword = this.dbPassword;
      this.loadRun = await this.#backend.api.createLoadRun({ parameters });
      this.#watchLoad(this.loadRun.id);
    } catch (error) {
      this.loadState = 'failed';
      this.loadError = describeError(error);
    }
  }

  #watchLoad(id: string): void {
    this.#stopLoadPoll?.();
    this.#stopLoadPoll = poll(async () => {
      const run = await this.#backend.api.getLoadRun(id);
      this.loadRun = run;
      if (!isFinished(run)) return true;
      this.loadState = run.status === 'Success' ? 'done' : 'failed';
      if (this.loadState === 'failed') this.loadError = `The load run ended ${run.status}.`;
      return false;
    }, this.#pollMs);
  }

  async cancelLoad(): Promise<void> {
    if (this.loadRun === null) return;
    try {
      this.loadRun = await this.#backend.api.cancelLoadRun(this.loadRun.id);
    } catch (error) {
      this.loadError = describeError(error);
    }
  }

  /** Step 5 (the lab's own): rds:StopActivityStream, then watch it reach stopped. */
  async stopStream(): Promise<void> {
    this.stopState = 'running';
    this.stopError = null;
    this.stopLog = [];
    try {
      await labStopStep({
        stopStream: async () => {
          const change = await this.#backend.api.stopActivityStream(this.clusterId);
          this.#note('stopLog', `rds:StopActivityStream accepted (${change.status})`);
        },
        waitForStream: (status) => this.#settle(status, 'stopLog'),
      });
      this.stopState = 'done';
      this.streamState = 'todo';
    } catch (error) {
      this.stopState = 'failed';
      this.stopError = describeError(error);
    }
  }

  /** Stops background polling and status feeds. */
  dispose(): void {
    this.#stopLoadPoll?.();
    this.#statusAbort?.abort();
  }
}
