import { request } from 'node:http';
import { signRequest } from '../src/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * SigV4 service to sign for; default from the target prefix (or `rds` for a form, `das-local`
   * otherwise). `false` sends the request unsigned.
   */
  sign?: string | false;
}

const SERVICE_BY_TARGET: Record<string, string> = { TrentService: 'kms', Kinesis_20131202: 'kinesis', AmazonSSM: 'ssm' };

/** The SigV4 service a raw request is for, as an SDK would sign it. */
export function signingServiceOf(headers: Record<string, string> = {}, path = '/'): string {
  const target = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
  const byTarget = target === undefined ? undefined : SERVICE_BY_TARGET[target.split('.')[0] ?? ''];
  if (byTarget) return byTarget;
  if (path.startsWith('/_local/')) return 'das-local';
  return 'rds';
}

/** One HTTP/1.1 request with a fresh connection (no SDK), as curl or boto3 would send it; signed unless `sign: false`. */
export function rawRequest(endpoint: string, options: RawRequestOptions): Promise<RawResponse> {
  const url = new URL(options.path ?? '/', endpoint);
  const method = options.method ?? 'POST';
  const headers =
    options.sign === false
      ? options.headers
      : signRequest({
          method,
          url,
          headers: options.headers ?? {},
          body: options.body ?? '',
          service: options.sign ?? signingServiceOf(options.headers, url.pathname),
        });
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
