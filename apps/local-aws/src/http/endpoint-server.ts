import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { ReplayDuplex } from './replay-duplex.js';
import type { EndpointHandler, EndpointResponse } from './endpoint-types.js';

/** The HTTP/2 connection preface a prior-knowledge h2c client sends first. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const SNIFF_TIMEOUT_MS = 10_000;
const H2_WINDOW_BYTES = 16 * 1024 * 1024;
/** Bodies up to this multiple of the limit are read and discarded so the client sees the 413. */
const DRAIN_FACTOR = 4;

export interface EndpointServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  handler: EndpointHandler;
  log: (line: string) => void;
}

export interface EndpointServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * One TCP listener speaking HTTP/1.1 and cleartext HTTP/2 (prior knowledge): the Kinesis SDK
 * client defaults to h2, boto3 and the CLI use 1.1. Each connection's first bytes decide.
 */
export async function startEndpointServer(options: EndpointServerOptions): Promise<EndpointServer> {
  const sockets = new Set<Socket>();
  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    void serveRequest(req, res, options);
  };

  const http1 = createHttpServer({ keepAliveTimeout: 65_000, requestTimeout: 120_000 }, onRequest);
  // An `Expect` other than 100-continue would get Node's bare 417; serve the request instead.
  http1.on('checkExpectation', onRequest);
  http1.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Garbage that is not HTTP: answer a JSON 400 when the socket can still take it, then close.
    if (socket.writable && !socket.writableEnded && error.code !== 'ECONNRESET') {
      const body = JSON.stringify({ __type: 'SerializationException', message: `Malformed HTTP request: ${error.code ?? error.message}` });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else {
      socket.destroy();
    }
  });
  // Big flow-control windows: a PutRecords body of 500 records is ~700 KB, and waiting for
  // WINDOW_UPDATEs every 64 KB costs round trips.
  const http2 = createHttp2Server({ maxSessionMemory: 64, settings: { initialWindowSize: H2_WINDOW_BYTES } }, onRequest);
  http2.on('session', (session) => session.once('localSettings', () => session.setLocalWindowSize(H2_WINDOW_BYTES)));
  http2.on('sessionError', () => undefined);

  // noDelay: without it Nagle holds small responses back until the client's delayed ACK (~40 ms).
  const net = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    sniffProtocol(socket, (isH2, peeked) => {
      if (isH2) {
        http2.emit('connection', new ReplayDuplex(socket, peeked));
      } else {
        socket.unshift(peeked);
        http1.emit('connection', socket);
        socket.resume();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(options.port, options.host, () => {
      net.off('error', reject);
      resolve();
    });
  });
  const address = net.address() as AddressInfo;

  return {
    host: options.host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        net.close(() => resolve());
        http1.closeAllConnections();
        http2.close();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Reads until the bytes either are or cannot be the h2 preface, then hands the socket over. */
function sniffProtocol(socket: Socket, onDecided: (isH2: boolean, peeked: Buffer) => void): void {
  let peeked: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), SNIFF_TIMEOUT_MS);
  const onData = (chunk: Buffer): void => {
    peeked = peeked.length === 0 ? chunk : Buffer.concat([peeked, chunk]);
    const compared = Math.min(peeked.length, H2_PREFACE.length);
    const matchesSoFar = peeked.subarray(0, compared).equals(H2_PREFACE.subarray(0, compared));
    if (matchesSoFar && peeked.length < H2_PREFACE.length) return;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.pause();
    onDecided(matchesSoFar, peeked);
  };
  socket.on('data', onData);
  socket.once('close', () => clearTimeout(timer));
}

async function serveRequest(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  options: EndpointServerOptions,
): Promise<void> {
  const httpVersion = req.httpVersionMajor === 2 ? '2' : '1.1';
  let response: EndpointResponse;
  try {
    const declared = Number(req.headers['content-length'] ?? '0');
    // Far past the limit: answer at once and close rather than wait for the whole upload.
    if (Number.isFinite(declared) && declared > options.maxBodyBytes * DRAIN_FACTOR) {
      response = tooLarge(options, req);
    } else {
      const body = await readBody(req, options.maxBodyBytes);
      response =
        body === undefined
          ? tooLarge(options, req)
          : await options.handler.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, httpVersion });
    }
  } catch (error) {
    options.log(`endpoint: request failed before routing: ${(error as Error).message}`);
    response = options.handler.transportError(req.headers, 400, 'SerializationException', 'The request body could not be read.');
  }
  writeResponse(res, response);
  // Whatever the client still sends of an oversized body is discarded, not buffered.
  req.resume();
}

function tooLarge(options: EndpointServerOptions, req: IncomingMessage | Http2ServerRequest): EndpointResponse {
  const response = options.handler.transportError(
    req.headers,
    413,
    'RequestEntityTooLargeException',
    `Request body exceeds the emulator limit of ${options.maxBodyBytes} bytes.`,
  );
  if (req.httpVersionMajor !== 2) response.headers['connection'] = 'close';
  return response;
}

/**
 * Resolves the body, or undefined when it is larger than the limit: after the whole (discarded)
 * upload, or at once past DRAIN_FACTOR × limit.
 */
function readBody(req: IncomingMessage | Http2ServerRequest, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        if (size > limit * DRAIN_FACTOR) resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(over ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
    // A reset h2 stream may only close; settling twice is a no-op once the body was read.
    req.on('close', () => reject(new Error('request closed before its body ended')));
  });
}

function writeResponse(res: ServerResponse | Http2ServerResponse, response: EndpointResponse): void {
  if (res.headersSent || res.writableEnded || (res as { destroyed?: boolean }).destroyed) return;
  const body = typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : response.body;
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) {
    // `connection` is not allowed in HTTP/2 responses.
    if (name === 'connection' && 'stream' in res) continue;
    res.setHeader(name, value);
  }
  res.setHeader('content-length', String(body.length));
  res.end(body);
}
