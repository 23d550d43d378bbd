// Typed calls to the control API (@das/api): keys, clusters and their activity streams, load runs.
import type { HttpClient } from './http.js';
import { readSse } from './sse.js';
import type {
  ActivityStreamChange,
  ActivityStreamStartBody,
  Cluster,
  ClusterList,
  ConsoleConfig,
  CreateKeyBody,
  CreateKeyResult,
  ErrorBody,
  KeyDeletion,
  KeyList,
  KeySummary,
  LoadRun,
  LoadRunCreateBody,
  LoadRunList,
  StatusEvent,
  StreamCost,
} from './types.js';
import { ApiError } from './http.js';

const enc = encodeURIComponent;

/** The API's endpoints (`apiRoutes` of @das/contracts), bound to one HTTP client. */
export function createApiClient(http: HttpClient) {
  return {
    consoleConfig: () => http.request<ConsoleConfig>('GET', '/console-config'),
    /** What the emulator's capture costs per cluster (empty against AWS). */
    streamCost: () => http.request<StreamCost>('GET', '/stream-cost'),

    listKeys: async () => (await http.request<KeyList>('GET', '/keys')).keys,
    getKey: (keyId: string) => http.request<KeySummary>('GET', `/keys/${enc(keyId)}`),
    createKey: (body: CreateKeyBody) => http.request<CreateKeyResult>('POST', '/keys', { body }),
    scheduleKeyDeletion: (keyId: string) => http.request<KeyDeletion>('DELETE', `/keys/${enc(keyId)}`),
    cancelKeyDeletion: (keyId: string) => http.request<KeySummary>('POST', `/keys/${enc(keyId)}/cancel-deletion`, { body: {} }),

    listClusters: async () => (await http.request<ClusterList>('GET', '/clusters')).clusters,
    getCluster: (id: string) => http.request<Cluster>('GET', `/clusters/${enc(id)}`),
    startActivityStream: (id: string, body: ActivityStreamStartBody) =>
      http.request<ActivityStreamChange>('POST', `/clusters/${enc(id)}/activity-stream`, { body }),
    stopActivityStream: (id: string) =>
      http.request<ActivityStreamChange>('DELETE', `/clusters/${enc(id)}/activity-stream`, { body: { applyImmediately: true } }),
    /**
     * Follows `status-events` (server-sent events read with fetch, so the bearer header goes along)
     * until the stream ends on a final status or `signal` aborts. An `error` frame is thrown.
     */
    async watchStatus(id: string, onStatus: (event: StatusEvent) => void, signal?: AbortSignal): Promise<void> {
      const response = await http.raw('GET', `/clusters/${enc(id)}/status-events`, { signal });
      let failure: ApiError | undefined;
      await readSse(response, (message) => {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return; // Not a JSON frame (keep-alive); the next one carries the status.
        }
        if (message.event === 'error') {
          const body = data as ErrorBody;
          failure = new ApiError(502, body.code, body.message, body.awsCode);
        } else onStatus(data as StatusEvent);
      });
      if (failure !== undefined) throw failure;
    },

    listLoadRuns: async () => (await http.request<LoadRunList>('GET', '/load-runs')).loadRuns as LoadRun[],
    getLoadRun: (id: string) => http.request<LoadRun>('GET', `/load-runs/${enc(id)}`),
    createLoadRun: (body: LoadRunCreateBody) => http.request<LoadRun>('POST', '/load-runs', { body }),
    cancelLoadRun: (id: string) => http.request<LoadRun>('DELETE', `/load-runs/${enc(id)}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
