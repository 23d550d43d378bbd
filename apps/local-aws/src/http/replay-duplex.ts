import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * Wraps a socket whose first bytes were already read (to sniff the protocol) so that a server
 * sees them again. Needed for h2c: `node:http2` reads the native handle, so `socket.unshift()`
 * would lose the peeked preface; a JS Duplex makes http2 read through JavaScript instead.
 */
export class ReplayDuplex extends Duplex {
  constructor(
    private readonly socket: Socket,
    peeked: Buffer,
  ) {
    super({ allowHalfOpen: false });
    this.push(peeked);
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }

  /** http2 asks the transport for these; forward what a socket would answer. */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }
  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }
  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms, callback);
    return this;
  }
}
