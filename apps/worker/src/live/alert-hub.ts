import type { Alert, LiveAlertFrame } from '@das/contracts';
import type { LiveSocket } from './live-hub.js';

const OPEN = 1;

/**
 * Sends alerts to the `/alerts/live` clients as they are stored. Alerts are few (one per
 * incident), so each goes out at once; a client whose socket is backed up beyond the limit
 * misses it (the alert stays in `GET /alerts`).
 */
export function createAlertHub(options: { maxBufferedBytes?: number } = {}) {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const clients = new Set<LiveSocket>();
  return {
    add(socket: LiveSocket): () => void {
      clients.add(socket);
      return () => clients.delete(socket);
    },
    publish(alerts: readonly Alert[]): void {
      for (const alert of alerts) {
        const frame = JSON.stringify({ type: 'alert', alert } satisfies LiveAlertFrame);
        for (const socket of clients) if (socket.readyState === OPEN && socket.bufferedAmount <= maxBuffered) socket.send(frame);
      }
    },
    get clientCount() {
      return clients.size;
    },
  };
}

export type AlertHub = ReturnType<typeof createAlertHub>;
