#!/usr/bin/env node
import { main } from '../cli.js';

const controller = new AbortController();
let interrupts = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // First signal: stop gracefully (in-flight transactions finish or roll back). Second: leave now.
    if (++interrupts > 1) process.exit(sig === 'SIGINT' ? 130 : 143);
    controller.abort(sig);
  });
}

const code = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  isTty: process.stdout.isTTY === true,
  signal: controller.signal,
});
process.exitCode = code;
