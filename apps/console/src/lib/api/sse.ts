// Server-sent events read with fetch, because EventSource cannot send an Authorization header.

/** One parsed SSE message. */
export interface SseMessage {
  event: string;
  data: string;
}

/** Splits a text stream into SSE messages (blank-line separated `event:`/`data:` lines). */
export function createSseParser(onMessage: (message: SseMessage) => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) onMessage({ event, data: data.join('\n') });
      end = buffer.indexOf('\n\n');
    }
  };
}

/** Reads an SSE response body to its end, calling `onMessage` for each message. */
export async function readSse(response: Response, onMessage: (message: SseMessage) => void): Promise<void> {
  if (response.body === null) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const feed = createSseParser(onMessage);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    feed(value);
  }
  feed('\n\n');
}
