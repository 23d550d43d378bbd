// Throughput of the alert rules: every built-in rule evaluated over a generated Aurora MySQL
// stream, against a baseline that only iterates the events, plus the per-event statement work
// (category, fingerprint) the worker adds.
// Run: npm run build -w @das/core && npm run bench:alerts -w @das/core.
import { builtInRules, createRuleEngine, type RuleEvent } from '../alerts/index.js';
import { buildPayload, createEventGenerator } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import { statementCategory, statementFingerprint } from '../statements/index.js';

const POOL = 20_000;
const PASSES = Number(process.env.DAS_BENCH_PASSES ?? 10);
const EVENTS = POOL * PASSES;
const BATCH = 500;
const ROUNDS = Number(process.env.DAS_BENCH_ROUNDS ?? 3);
/** The worker's target rate: the CPU share the rules take at this rate is printed. */
const TARGET_EVENTS_PER_SECOND = 20_000;

const rules = builtInRules({ sensitiveObjects: ['shop.customers'], newHostLearningSeconds: 600 });

interface Totals {
  baseline: number;
  rules: number;
  rulesStoredCategory: number;
  statementWork: number;
  alerts: number;
  stateBytes: number;
}

/**
 * CPU time of `run`, in ns (process user + system, microsecond resolution): unlike wall time it
 * does not count the time other processes on a shared machine take from this one.
 */
function timed(run: () => void): number {
  const started = process.cpuUsage();
  run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) * 1000;
}

/**
 * A pool of generated events in batches, replayed `PASSES` times with their times moved on, so
 * the measured work is the rules' and not the generator's garbage. Each batch is first touched
 * by the baseline, then evaluated: warm, as events the worker has just decoded.
 */
function buildPool(seed: number): RuleEvent[][] {
  const generator = createEventGenerator({ seed, engine: 'mysql', heartbeatRate: 0.001 });
  const pool: RuleEvent[][] = [];
  for (let done = 0; done < POOL; done += BATCH) {
    pool.push(normaliseEvents(buildPayload(generator.events(BATCH))).map((event, i) => ({ ...event, id: done + i + 1 })));
  }
  return pool;
}

function round(seed: number): Totals {
  const pool = buildPool(seed);
  const span = (pool.at(-1)?.at(-1)?.timeMs ?? 0) - (pool[0]?.[0]?.timeMs ?? 0) + 1000;
  const engine = createRuleEngine(rules, { now: () => 0 });
  const storedEngine = createRuleEngine(rules, { now: () => 0 });
  const totals: Totals = { baseline: 0, rules: 0, rulesStoredCategory: 0, statementWork: 0, alerts: 0, stateBytes: 0 };
  let sink = 0;
  for (let pass = 0; pass < PASSES; pass += 1) {
    for (const batch of pool) {
      for (const event of batch) {
        if (pass > 0) event.timeMs += span;
        event.category = undefined;
      }
      totals.baseline += timed(() => {
        for (const event of batch) if (event.timeMs > 0) sink += 1;
      });
      totals.rules += timed(() => {
        totals.alerts += engine.evaluate(batch).length;
      });
      totals.statementWork += timed(() => {
        for (const event of batch) {
          event.category = statementCategory(event);
          if (event.text !== null && event.eventClass !== 'AUX') sink += statementFingerprint(event.text).length;
        }
      });
      // As the worker will run them: the category already stored with each event.
      totals.rulesStoredCategory += timed(() => {
        sink += storedEngine.evaluate(batch).length;
      });
    }
  }
  totals.stateBytes = JSON.stringify(engine.exportState()).length;
  if (sink === -1) console.log(sink);
  return totals;
}

function line(name: string, ns: number): void {
  const perEvent = ns / EVENTS;
  console.log(
    `${name.padEnd(44)} ${perEvent.toFixed(0).padStart(6)} ns/event ${(1e6 / perEvent).toFixed(0).padStart(7)}k events/s` +
      `   ${((TARGET_EVENTS_PER_SECOND * perEvent) / 1e7).toFixed(2).padStart(5)}% of a core at 20k events/s`,
  );
}

console.log(
  `${POOL} generated Aurora MySQL events replayed ${PASSES}× per round (${EVENTS} evaluated), batches of ${BATCH}, ` +
    `${rules.length} built-in rules, best of ${ROUNDS} rounds, CPU time`,
);
const rounds = Array.from({ length: ROUNDS }, (_, i) => round(20 + i));
const best = (key: keyof Totals) => Math.min(...rounds.map((r) => r[key]));
line('baseline: iterate the events', best('baseline'));
line('built-in rules, category computed', best('rules'));
line('built-in rules, category stored', best('rulesStoredCategory'));
line('statementCategory + statementFingerprint', best('statementWork'));
console.log(`alerts per round: ${rounds[0]?.alerts}; exported state after a round: ${Math.round((rounds[0]?.stateBytes ?? 0) / 1024)} KiB`);
