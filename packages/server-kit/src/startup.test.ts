import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEnvReader } from './env.js';
import { ensureWritableDataDir, listenFailure, StartupError } from './startup.js';

describe('DAS_TOKEN', () => {
  it('takes 16 or more visible characters and refuses short or spaced ones with the fix', () => {
    expect(createEnvReader({ DAS_TOKEN: 'a'.repeat(16) }).token('DAS_TOKEN')).toBe('a'.repeat(16));
    for (const bad of ['short', 'sixteen chars ok']) {
      const read = createEnvReader({ DAS_TOKEN: bad });
      expect(read.token('DAS_TOKEN')).toBeUndefined();
      expect(() => read.done()).toThrow(/DAS_TOKEN must be at least 16 visible characters without spaces .*unset it/);
    }
    expect(createEnvReader({}).token('DAS_TOKEN')).toBeUndefined();
  });
});

describe('start-up problems', () => {
  it('creates the data directory 0700 and names the variable when it cannot be written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'das-startup-'));
    try {
      await ensureWritableDataDir(join(dir, 'data'), 'DAS_DATA_DIR');
      await writeFile(join(dir, 'file'), '');
      const failure = ensureWritableDataDir(join(dir, 'file', 'data'), 'DAS_DATA_DIR');
      await expect(failure).rejects.toBeInstanceOf(StartupError);
      await expect(failure).rejects.toThrow(/data directory .*file\/data is not writable \(ENOTDIR\): .*set DAS_DATA_DIR/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('turns EADDRINUSE into the port, the cause and the variable to change', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const second = createServer();
    const error = await new Promise<Error>((resolve) => second.once('error', resolve).listen(port, '127.0.0.1'));
    server.close();
    const described = listenFailure(error, { host: '127.0.0.1', port, variable: 'DAS_API_PORT' });
    expect(described).toMatchObject({ code: 'PORT_IN_USE' });
    expect(described.message).toBe(`port ${port} on 127.0.0.1 is in use by another program (another \`npm start\`?): stop it, or set DAS_API_PORT to a free port`);
    const other = new Error('boom');
    expect(listenFailure(other, { host: 'h', port: 1, variable: 'V' })).toBe(other);
  });
});
