import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The whole exchange (connect, response, body) must end within this, ms. */
  timeoutMs: number;
}

export interface WebhookResponse {
  /** A 2xx status. */
  ok: boolean;
  /** null when no response came (refused, timed out, reset). */
  status: number | null;
  /** Why it failed, short; null when ok. */
  error: string | null;
  /** A `Retry-After` the receiver sent (seconds form), in ms. */
  retryAfterMs: number | null;
}

/** Bytes of an error response kept for the delivery's last error. */
const MAX_ERROR_BODY = 200;

function describe(error: NodeJS.ErrnoException): string {
  return error.code !== undefined && !error.message.includes(error.code) ? `${error.code}: ${error.message}` : error.message;
}

/**
 * One POST, never longer than `timeoutMs`: a receiver that accepts the connection and then says
 * nothing is cut off like one that never answers. Redirects are not followed. Never rejects.
 */
export function sendWebhook(req: WebhookRequest): Promise<WebhookResponse> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: WebhookResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      finish({ ok: false, status: null, error: `invalid URL: ${req.url}`, retryAfterMs: null });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // `agent: false`: a socket per attempt, so nothing lingers between rare deliveries.
    const request = send(url, { method: 'POST', agent: false, headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) } }, (response) => {
      const status = response.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (!ok && text.length < MAX_ERROR_BODY) text += chunk;
      });
      response.on('error', (error) => finish({ ok: false, status, error: describe(error), retryAfterMs: null }));
      response.on('end', () => {
        const retryAfter = Number(response.headers['retry-after']);
        finish({
          ok,
          status,
          error: ok ? null : `HTTP ${status}${text.trim() === '' ? '' : `: ${text.trim().slice(0, MAX_ERROR_BODY)}`}`,
          retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : null,
        });
      });
    });
    const timer = setTimeout(() => request.destroy(new Error(`timed out after ${req.timeoutMs} ms`)), req.timeoutMs);
    request.on('error', (error) => finish({ ok: false, status: null, error: describe(error), retryAfterMs: null }));
    request.end(req.body);
  });
}
