import { describe, expect, it } from 'vitest';
import { createSseParser, readSse, type SseMessage } from './sse.js';

describe('SSE parsing', () => {
  it('splits messages across chunk boundaries and keeps event names', () => {
    const seen: SseMessage[] = [];
    const feed = createSseParser((m) => seen.push(m));
    feed('event: status\ndata: {"a":');
    feed('1}\n\n: keep-alive\n\nevent: error\r\ndata: {"code":"TIMEOUT"}\r\n\r\n');
    expect(seen).toEqual([
      { event: 'status', data: '{"a":1}' },
      { event: 'error', data: '{"code":"TIMEOUT"}' },
    ]);
  });

  it('reads a streamed response body to its end', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder();
        controller.enqueue(encoder.encode('event: status\ndata: 1\n\n'));
        controller.enqueue(encoder.encode('event: status\ndata: 2\n\n'));
        controller.close();
      },
    });
    const seen: string[] = [];
    await readSse(new Response(body), (m) => seen.push(m.data));
    expect(seen).toEqual(['1', '2']);
  });
});
