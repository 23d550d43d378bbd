import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { ServiceProcess } from './service-process.js';
import { recordServices, stopStaleServices } from './stale-processes.js';

let dir: string;
let serverScript: string;
let crashScript: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'das-stack-'));
  serverScript = join(dir, 'server.mjs');
  // A tiny service: ready after a delay, ignores nothing, exits on SIGTERM.
  await writeFile(serverScript, `
    import { createServer } from 'node:http';
    const port = Number(process.argv[2]);
    console.log('booting');
    setTimeout(() => createServer((req, res) => res.end('ok')).listen(port, '127.0.0.1', () => console.log('listening')), 300);
    process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
  `);
  crashScript = join(dir, 'crash.mjs');
  await writeFile(crashScript, `console.error('mariadbd is not installed: apt-get install mariadb-server'); process.exit(3);`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ServiceProcess', () => {
  it('waits until the service answers, keeps its output, and stops it with SIGTERM', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const service = new ServiceProcess({ name: 'demo', script: serverScript, args: [String(port)], readyUrl: `http://127.0.0.1:${port}/`, onLine: (l) => lines.push(l) });
    await service.waitReady(10_000);
    expect(service.running).toBe(true);
    await service.stop();
    expect(service.running).toBe(false);
    expect(await service.exited).toBe(0);
    expect(lines).toEqual(['[demo] booting', '[demo] listening', '[demo] bye']);
  });

  it('fails fast with the service\'s last output when it exits before it is ready', async () => {
    const service = new ServiceProcess({ name: 'local-aws', script: crashScript, readyUrl: 'http://127.0.0.1:9/' });
    await expect(service.waitReady(10_000)).rejects.toThrow(/local-aws exited with code 3.*\n.*apt-get install mariadb-server/);
  });
});

describe('stopStaleServices', () => {
  it('stops a recorded service that still runs our script, and ignores pids that run something else', async () => {
    const port = await freePort();
    const service = new ServiceProcess({ name: 'left-over', script: serverScript, args: [String(port)], readyUrl: `http://127.0.0.1:${port}/` });
    await service.waitReady(10_000);
    await recordServices(dir, [
      { pid: service.pid!, script: serverScript },
      { pid: process.pid, script: '/not/our/script.js' },
    ]);
    const log: string[] = [];
    await stopStaleServices(dir, (line) => log.push(line));
    expect(await service.exited).toBe(0);
    expect(log).toEqual([`stopping a service left over from an earlier run (pid ${service.pid})`]);
  });
});
