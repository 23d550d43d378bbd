// Runs in a dedicated background thread: the live socket's receiving and JSON parsing happen here,
// and the page gets each frame's parsed events in one message (see live-socket-relay.ts).
import { connectLiveSocket, type LiveSocket } from './live-socket.js';
import type { PageMessage, ThreadMessage } from './live-socket-relay.js';

const scope = self as unknown as {
  postMessage(message: ThreadMessage): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<PageMessage>) => void): void;
};
let socket: LiveSocket | null = null;

scope.addEventListener('message', ({ data }) => {
  if (data.type === 'open' && socket === null) {
    socket = connectLiveSocket(data.workerUrl, data.token, data.filter, {
      onEvents: (events, matched, skipped) => scope.postMessage({ type: 'events', events, matched, skipped }),
      onSubscribed: () => scope.postMessage({ type: 'subscribed' }),
      onStatus: (status) => scope.postMessage({ type: 'status', status }),
      onDropped: (count) => scope.postMessage({ type: 'dropped', count }),
      onOpen: () => scope.postMessage({ type: 'open' }),
      onClose: (code, reason) => scope.postMessage({ type: 'close', code, reason }),
      onError: (message) => scope.postMessage({ type: 'error', message }),
    });
  } else if (data.type === 'subscribe') socket?.subscribe(data.filter);
  else if (data.type === 'close') socket?.close();
});
