#!/usr/bin/env node
import { main } from '../cli.js';

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`das-local: ${error.message}\n`);
  process.exit(1);
});
