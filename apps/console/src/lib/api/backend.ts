// Wires the API and worker clients to the session: the token goes on every call, a 401 signs out.
import type { Session } from '../state/session.svelte.js';
import { openAlertSocket, type AlertSocketHandlers } from './alert-socket.js';
import { createApiClient, type ApiClient } from './api-client.js';
import { ApiError, createHttpClient } from './http.js';
import type { LiveSocket, LiveSocketHandlers } from './live-socket.js';
import { openLiveSocket } from './live-socket-relay.js';
import type { EventFilter } from '../domain.js';
import { createWorkerClient, type WorkerClient } from './worker-client.js';

export const UNAUTHORIZED_MESSAGE = 'The token was refused (401). Enter the token that npm start printed.';

/** Everything the state classes may call; components get at the backend only through them. */
export interface Backend {
  api: ApiClient;
  /** Throws when the console config (with the worker URL) is not loaded yet. */
  worker(): WorkerClient;
  openLive(filter: EventFilter, handlers: LiveSocketHandlers): LiveSocket;
  /** Alerts as the worker raises them. */
  openAlerts(handlers: AlertSocketHandlers): { close(): void };
}

/** Builds the backend for an API base URL and a session. */
export function createBackend(apiBase: string, session: Session): Backend {
  const getToken = () => session.token;
  const onUnauthorized = () => session.refuse(UNAUTHORIZED_MESSAGE);
  const api = createApiClient(createHttpClient({ baseUrl: apiBase, getToken, onUnauthorized }));
  let worker: { url: string; client: WorkerClient } | undefined;

  function workerUrl(): string {
    const url = session.config?.workerUrl;
    if (url === undefined) throw new ApiError(0, 'NO_CONFIG', 'The console config is not loaded yet');
    return url;
  }

  return {
    api,
    worker() {
      const url = workerUrl();
      if (worker?.url !== url) {
        worker = { url, client: createWorkerClient(createHttpClient({ baseUrl: url, getToken, onUnauthorized })) };
      }
      return worker.client;
    },
    openAlerts(handlers) {
      return openAlertSocket(workerUrl(), session.token ?? '', handlers);
    },
    openLive(filter, handlers) {
      let opened = false;
      const client = this.worker();
      return openLiveSocket(workerUrl(), session.token ?? '', filter, {
        ...handlers,
        onOpen() {
          opened = true;
          handlers.onOpen?.();
        },
        onClose(code, reason) {
          // A browser cannot see why an upgrade was refused; one HTTP call tells a 401 (which
          // signs out through the client) from a worker that is down.
          if (!opened) void client.listEvents({}, { limit: 1 }).catch(() => undefined);
          handlers.onClose?.(code, reason);
        },
      });
    },
  };
}
