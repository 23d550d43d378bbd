// npm run bench -w @das/local-aws: throughput of the emulator through its endpoint with the real
// SDK clients. Each section prints its own figures; keep the whole run under ~60 s.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalAws } from '../local-aws.js';
import type { BenchContext, BenchSection } from './bench-kit.js';
import { kinesisSection } from './kinesis.bench.js';
import { kmsSection } from './kms.bench.js';
import { captureSection } from './capture.bench.js';
import { postgresSection } from './postgres.bench.js';
import { pipelineSection } from './pipeline.bench.js';
import { replaySection } from './replay.bench.js';

/**
 * The sections, in order. Capture (MariaDB audit → DAS records: throughput and latency) plugs in
 * here as one more BenchSection, e.g. `captureSection` from `./capture.bench.js`.
 */
const SECTIONS: BenchSection[] = [kinesisSection, kmsSection, captureSection, postgresSection, pipelineSection, replaySection];

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'das-local-bench-'));
  const aws = await startLocalAws({ port: 0, dataDir, source: 'none' });
  const started = performance.now();
  process.stdout.write(`@das/local-aws bench — endpoint ${aws.endpoint}, Node ${process.version}\n`);
  const context: BenchContext = {
    args: process.argv.slice(3),
    endpoint: aws.endpoint,
    region: aws.region,
    report(label, value, unit, note) {
      // Small figures (µs per event, %) keep a decimal.
      const figure = Math.abs(value) < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
      process.stdout.write(`  ${label.padEnd(62)} ${figure.padStart(9)} ${unit}${note ? `  (${note})` : ''}\n`);
    },
  };
  try {
    // `npm run bench -w @das/local-aws -- capture` runs the sections whose name starts so.
    const only = process.argv[2];
    for (const section of SECTIONS.filter((s) => only === undefined || s.name.startsWith(only))) {
      process.stdout.write(`${section.name}\n`);
      await section.run(context);
    }
  } finally {
    await aws.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
