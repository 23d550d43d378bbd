// The worker's live alert WebSocket (`/alerts/live`): each alert once stored, token as a subprotocol.
import type { Alert, LiveAlertFrame } from '@das/contracts';
import { LIVE_SUBPROTOCOL, LIVE_TOKEN_SUBPROTOCOL_PREFIX } from '@das/contracts/live-protocol';

export interface AlertSocketHandlers {
  onAlert(alert: Alert): void;
  onOpen?(): void;
  onClose?(code: number): void;
}

export function openAlertSocket(workerUrl: string, token: string, handlers: AlertSocketHandlers): { close(): void } {
  const url = new URL(workerUrl.replace(/\/$/, '') + '/alerts/live');
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url.toString(), [LIVE_SUBPROTOCOL, `${LIVE_TOKEN_SUBPROTOCOL_PREFIX}${token}`]);
  socket.addEventListener('open', () => handlers.onOpen?.());
  socket.addEventListener('message', (message: MessageEvent<unknown>) => {
    if (typeof message.data !== 'string') return;
    try {
      const frame = JSON.parse(message.data) as LiveAlertFrame;
      if (frame.type === 'alert') handlers.onAlert(frame.alert);
    } catch {
      // Not JSON: nothing a person could act on; the list is read again on the next refresh.
    }
  });
  socket.addEventListener('close', (event) => handlers.onClose?.(event.code));
  return { close: () => socket.close(1000, 'closed by the console') };
}
