#!/usr/bin/env node
import { parseTailArgs, runTail, TAIL_USAGE, UsageError } from '../cli/tail.js';

const [command, ...args] = process.argv.slice(2);

const USAGE = `usage: das <command> [options]

  das tail     read, decrypt and print an activity stream (das tail --help)
  das doctor   check a deployment step by step: credentials, cluster, stream, KMS, worker, API (das doctor --help)

`;

async function main(): Promise<number> {
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(`${USAGE}${TAIL_USAGE}`);
    return command === undefined ? 2 : 0;
  }
  if (command === 'doctor') return (await import('../cli/doctor.js')).doctorCommand(args, process.env, (text) => process.stdout.write(text), (text) => process.stderr.write(text));
  if (command !== 'tail') {
    process.stderr.write(`das: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(TAIL_USAGE);
    return 0;
  }
  let options;
  try {
    options = parseTailArgs(args, process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`das tail: ${error.message}\n\n${TAIL_USAGE}`);
      return 2;
    }
    throw error;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  // Closed pipes (`das tail | head`) end the tail quietly.
  process.stdout.on('error', () => abort.abort());
  await runTail(options, (line) => process.stdout.write(`${line}\n`), abort.signal, (line) => process.stderr.write(`das tail: ${line}\n`));
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`das tail: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
