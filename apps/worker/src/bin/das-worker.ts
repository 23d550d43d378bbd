#!/usr/bin/env node
import { main } from '../main.js';

main().catch((error: unknown) => {
  process.stderr.write(`das-worker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
