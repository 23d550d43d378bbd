// Typed calls to the control API (@das/api): keys, clusters and their activity streams, load runs.
import type { HttpClient } from './http.js';
import { readSse } from './sse.js';
import type {
  ActivityStreamChange,
  ConsoleConfig,
  CreateKeyRequest,
  CreateLoadRunRequest,
  DbCluster,
  KmsKey,
  LoadRun,
  StartActivityStreamRequest,
  StatusEvent,
} from './types.js';

function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null && Array.isArray((body as Record<string, unknown>)[key])) {
    return (body as Record<string, T[]>)[key] ?? [];
  }
  return [];
}

const enc = encodeURIComponent;

/** The API's endpoints, bound to one HTTP client. */
export function createApiClient(http: HttpClient) {
  return {
    consoleConfig: () => http.request<ConsoleConfig>('GET', '/console-config'),

    listKeys: async () => listOf<KmsKey>(await http.request<unknown>('GET', '/keys'), 'keys'),
    getKey: (keyId: string) => http.request<KmsKey>('GET', `/keys/${enc(keyId)}`),
    createKey: (body: CreateKeyRequest) => http.request<KmsKey>('POST', '/keys', { body }),
    scheduleKeyDeletion: (keyId: string) => http.request<KmsKey>('DELETE', `/keys/${enc(keyId)}`),
    cancelKeyDeletion: (keyId: string) => http.request<KmsKey>('POST', `/keys/${enc(keyId)}/cancel-deletion`),

    listClusters: async () => listOf<DbCluster>(await http.request<unknown>('GET', '/clusters'), 'clusters'),
    getCluster: (id: string) => http.request<DbCluster>('GET', `/clusters/${enc(id)}`),
    startActivityStream: (id: string, body: StartActivityStreamRequest) =>
      http.request<ActivityStreamChange>('POST', `/clusters/${enc(id)}/activity-stream`, { body }),
    stopActivityStream: (id: string) =>
      http.request<ActivityStreamChange>('DELETE', `/clusters/${enc(id)}/activity-stream`, {
        query: { applyImmediately: true },
      }),
    /** Follows the stream's status until it settles (started/stopped) or `signal` aborts. */
    async watchStatus(id: string, onStatus: (event: StatusEvent) => void, signal?: AbortSignal): Promise<void> {
      const response = await http.raw('GET', `/clusters/${enc(id)}/status-events`, { signal });
      await readSse(response, (message) => {
        try {
          onStatus(JSON.parse(message.data) as StatusEvent);
        } catch {
          // A keep-alive or malformed line carries no status; the next one will.
        }
      });
    },

    listLoadRuns: async () => listOf<LoadRun>(await http.request<unknown>('GET', '/load-runs'), 'loadRuns'),
    getLoadRun: (id: string) => http.request<LoadRun>('GET', `/load-runs/${enc(id)}`),
    createLoadRun: (body: CreateLoadRunRequest) => http.request<LoadRun>('POST', '/load-runs', { body }),
    cancelLoadRun: (id: string) => http.request<LoadRun>('DELETE', `/load-runs/${enc(id)}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
