import type { IncomingHttpHeaders } from 'node:http';

/** A complete request as the router sees it: the body is already read and size-checked. */
export interface EndpointRequest {
  method: string;
  /** Path and query, e.g. `/` or `/health?x=1`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  httpVersion: '1.1' | '2';
}

export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** What the listener needs from the layer above it. */
export interface EndpointHandler {
  handle(request: EndpointRequest): Promise<EndpointResponse>;
  /**
   * An error raised before the body could be handed over (too large, unreadable), answered in
   * the shape of the service the headers point at.
   */
  transportError(headers: IncomingHttpHeaders, status: number, code: string, message: string): EndpointResponse;
}
