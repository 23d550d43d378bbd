import type { IncomingHttpHeaders } from 'node:http';

/**
 * Why a request comes from a web page, or undefined. The emulator has no pages of its own, so
 * no browser origin is legitimate: SDKs, the CLI and boto3 send neither `Origin` nor
 * `Sec-Fetch-Site`. This also covers what a signature check cannot: a page could forge a
 * presigned-looking query (signatures are not verified), but browsers mark such requests.
 */
export function browserRequestReason(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers['origin'];
  if (origin !== undefined) return `requests from web pages (Origin: ${String(origin).slice(0, 100)}) are refused`;
  const site = headers['sec-fetch-site'];
  // `none` = typed into the address bar by the user, not sent by a page.
  if (site !== undefined && site !== 'none') return `requests from web pages (Sec-Fetch-Site: ${String(site).slice(0, 40)}) are refused`;
  return undefined;
}
