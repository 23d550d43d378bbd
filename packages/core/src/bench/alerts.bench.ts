// Throughput of the alert rules: every built-in rule evaluated over a generated Aurora MySQL
// stream, against a baseline that only iterates the events, plus the per-event statement work
// (category, fingerprint) the worker adds. Each batch is generated and normalised untimed just
// before it is measured, as the worker evaluates events it has just decoded.
// Run: npm run build -w @das/core && npm run bench:alerts -w @das/core.
import { builtInRules, createRuleEngine, type RuleEvent } from '../alerts/index.js';
import { buildPayload, createEventGenerator } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import { statementCategory, statementFingerprint } from '../statements/index.js';

const EVENTS = Number(process.env.DAS_BENCH_EVENTS ?? 200_000);
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

function timed(run: () => void): number {
  const started = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - started);
}

function round(seed: number): Totals {
  const generator = createEventGenerator({ seed, engine: 'mysql', heartbeatRate: 0.001 });
  const engine = createRuleEngine(rules, { now: () => 0 });
  const storedEngine = createRuleEngine(rules, { now: () => 0 });
  const totals: Totals = { baseline: 0, rules: 0, rulesStoredCategory: 0, statementWork: 0, alerts: 0, stateBytes: 0 };
  let sink = 0;
  for (let done = 0; done < EVENTS; done += BATCH) {
    const batch: RuleEvent[] = normaliseEvents(buildPayload(generator.events(BATCH))).map((event, i) => ({ ...event, id: done + i + 1 }));
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

console.log(`${EVENTS} generated Aurora MySQL events per round, batches of ${BATCH}, ${rules.length} built-in rules, best of ${ROUNDS} rounds`);
const rounds = Array.from({ length: ROUNDS }, (_, i) => round(20 + i));
const best = (key: keyof Totals) => Math.min(...rounds.map((r) => r[key]));
line('baseline: iterate the events', best('baseline'));
line('built-in rules, category computed', best('rules'));
line('built-in rules, category stored', best('rulesStoredCategory'));
line('statementCategory + statementFingerprint', best('statementWork'));
console.log(`alerts per round: ${rounds[0]?.alerts}; exported state after a round: ${Math.round((rounds[0]?.stateBytes ?? 0) / 1024)} KiB`);
