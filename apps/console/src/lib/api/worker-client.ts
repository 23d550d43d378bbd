// Typed calls to the stream worker (@das/worker): stored events, facets, histogram, export, dead letters.
import { filterToQuery, type EventFilter } from '../domain.js';
import type { HttpClient, Query } from './http.js';
import type { DeadLetterReplayResult, DeadLettersPage, EventsPage, Facets, Fleet, Histogram, StoredEvent, WorkerStatus } from './types.js';
import type {
  Alert,
  AlertRuleDryRun,
  AlertRules,
  AlertsPage,
  AlertsQuery,
  DeadLetter,
  DeadLetterReasons,
  DeadLetterReplayPlan,
  HistogramGroupBy,
  TopStatements,
} from '@das/contracts';

/** Which dead letters a replay takes: those of one reason, or a selection by id (or all). */
export interface DeadLetterSelection {
  reason?: string;
  ids?: readonly number[];
}

const selectionQuery = (selection: DeadLetterSelection): Query => ({ reason: selection.reason, ids: selection.ids === undefined ? undefined : selection.ids.join(',') });

function filterQuery(filter: EventFilter, extra: Query = {}): Query {
  return { ...filterToQuery(filter), ...extra };
}

/** The worker's HTTP endpoints, bound to one HTTP client. */
export function createWorkerClient(http: HttpClient) {
  return {
    listEvents: (filter: EventFilter, page: { cursor?: string; limit?: number; order?: 'asc' | 'desc' } = {}, signal?: AbortSignal) =>
      http.request<EventsPage>('GET', '/events', { query: filterQuery(filter, { cursor: page.cursor, limit: page.limit, order: page.order === 'asc' ? 'asc' : undefined }), signal }),
    getEvent: (id: number) => http.request<StoredEvent>('GET', `/events/${id}`),
    facets: (filter: EventFilter, signal?: AbortSignal) => http.request<Facets>('GET', '/events/facets', { query: filterQuery(filter), signal }),
    /** The most frequent statements by fingerprint (literals replaced) in the filter. */
    topStatements: (filter: EventFilter, limit = 10) => http.request<TopStatements>('GET', '/events/statements', { query: filterQuery(filter, { limit }) }),
    /** Counts per time bucket split by `groupBy`: its `top` busiest values apart (one chart colour each), the rest as other. */
    histogram: (filter: EventFilter, groupBy: HistogramGroupBy = 'command', signal?: AbortSignal, top = 4) =>
      http.request<Histogram>('GET', '/events/histogram', { query: filterQuery(filter, { groupBy: groupBy === 'command' ? undefined : groupBy, top }), signal }),
    /** Downloads an export with the bearer header and returns it as a Blob. */
    async exportEvents(filter: EventFilter, format: 'ndjson' | 'csv'): Promise<Blob> {
      const response = await http.raw('GET', '/events/export', { query: filterQuery(filter, { format }) });
      return response.blob();
    },
    /** The consumer's state and counts (stored events, dead letters). */
    status: () => http.request<WorkerStatus>('GET', '/status'),
    /** The workers sharing the stream and their shard leases. */
    fleet: () => http.request<Fleet>('GET', '/fleet'),
    /** Dead letters without their data (it may be hundreds of KB each). */
    listDeadLetters: (page: { cursor?: string; reason?: string; limit?: number } = {}) =>
      http.request<DeadLettersPage>('GET', '/dead-letters', { query: { cursor: page.cursor, reason: page.reason, limit: page.limit } }),
    /** One dead letter with its data. */
    getDeadLetter: (id: number) => http.request<DeadLetter>('GET', `/dead-letters/${id}`),
    deadLetterReasons: () => http.request<DeadLetterReasons>('GET', '/dead-letters/reasons'),
    /** What a replay of the selection would take (letters, KMS calls), for the confirmation. */
    deadLetterReplayPlan: (selection: DeadLetterSelection) => http.request<DeadLetterReplayPlan>('GET', '/dead-letters/replay-plan', { query: selectionQuery(selection) }),
    listAlerts: (query: AlertsQuery = {}) => http.request<AlertsPage>('GET', '/alerts', { query: { ...query } }),
    acknowledgeAlert: (id: string) => http.request<Alert>('POST', `/alerts/${encodeURIComponent(id)}/acknowledge`, { body: { by: 'console' } }),
    resolveAlert: (id: string) => http.request<Alert>('POST', `/alerts/${encodeURIComponent(id)}/resolve`, { body: { by: 'console' } }),
    alertRules: () => http.request<AlertRules>('GET', '/alert-rules'),
    /** Turns a rule on or off for every worker of the store. */
    setAlertRuleEnabled: (id: string, enabled: boolean) =>
      http.request<AlertRules['rules'][number]>('POST', `/alert-rules/${encodeURIComponent(id)}/${enabled ? 'enable' : 'disable'}`),
    /** What a rule would have raised over the stored events of the last `hours` (nothing is stored). */
    dryRunAlertRule: (id: string, hours: number) => http.request<AlertRuleDryRun>('POST', `/alert-rules/${encodeURIComponent(id)}/dry-run`, { query: { hours } }),
    /** Decrypts the dead letters again (e.g. after a key policy fix): those of one reason, a selection, or all. */
    replayDeadLetters: (selection: DeadLetterSelection = {}) => http.request<DeadLetterReplayResult>('POST', '/dead-letters/replay', { query: selectionQuery(selection) }),
  };
}

export type WorkerClient = ReturnType<typeof createWorkerClient>;
