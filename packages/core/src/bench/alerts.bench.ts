// Throughput of the alert rules: every built-in rule evaluated over a generated Aurora MySQL
// stream, against a baseline that only iterates the events, plus the per-event statement work
// (category, fingerprint) the worker adds. Run: npm run build -w @das/core && npm run bench:alerts -w @das/core.
import { builtInRules, createRuleEngine, type RuleEvent } from '../alerts/index.js';
import { createEventGenerator } from '../fixtures/index.js';
import { normaliseEvents } from '../normalise.js';
import { buildPayload } from '../fixtures/index.js';
import { statementCategory, statementFingerprint } from '../statements/index.js';

const EVENTS = Number(process.env.DAS_BENCH_EVENTS ?? 100_000);
const BATCH = 500;
const ROUNDS = Number(process.env.DAS_BENCH_ROUNDS ?? 3);
/** The worker's target rate: the CPU share the rules take at this rate is printed. */
const TARGET_EVENTS_PER_SECOND = 20_000;

function buildEvents(): RuleEvent[] {
  const generator = createEventGenerator({ seed: 20, engine: 'mysql', heartbeatRate: 0.001 });
  const events: RuleEvent[] = [];
  while (events.length < EVENTS) {
    for (const event of normaliseEvents(buildPayload(generator.events(1000)))) events.push({ ...event, id: events.length + 1 });
  }
  return events;
}

/** Best of `ROUNDS` runs, in ns per event. */
function measure(name: string, events: readonly RuleEvent[], run: (batch: readonly RuleEvent[]) => number): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < events.length; i += BATCH) sink += run(events.slice(i, i + BATCH));
    best = Math.min(best, Number(process.hrtime.bigint() - started) / events.length);
  }
  const perSecond = 1e9 / best;
  const share = (TARGET_EVENTS_PER_SECOND * best) / 1e9;
  console.log(
    `${name.padEnd(40)} ${best.toFixed(0).padStart(6)} ns/event ${(perSecond / 1000).toFixed(0).padStart(7)}k events/s` +
      `   ${(share * 100).toFixed(2).padStart(5)}% of a core at 20k events/s  (${sink})`,
  );
  return best;
}

const events = buildEvents();
const rules = builtInRules({ sensitiveObjects: ['shop.customers'], newHostLearningSeconds: 600 });
console.log(`${events.length} generated Aurora MySQL events, batches of ${BATCH}, ${rules.length} built-in rules, best of ${ROUNDS}`);

const baseline = measure('baseline: iterate the events', events, (batch) => {
  let n = 0;
  for (const event of batch) if (event.timeMs > 0) n += 1;
  return n % 2;
});
let alerts = 0;
const engine = createRuleEngine(rules, { now: () => 0 });
measure('built-in rules (category computed)', events, (batch) => {
  alerts += engine.evaluate(batch).length;
  return 0;
});
measure('category + fingerprint per event', events, (batch) => {
  let n = 0;
  for (const event of batch) {
    statementCategory(event);
    if (event.text !== null && event.eventClass !== 'AUX') n += statementFingerprint(event.text).length;
  }
  return n % 2;
});
// As the worker will: the category stored with the event, not recomputed by the rules.
for (const event of events) event.category = statementCategory(event);
const stored = createRuleEngine(rules, { now: () => 0 });
const rulesOnly = measure('built-in rules (category stored)', events, (batch) => stored.evaluate(batch).length % 2);
const state = JSON.stringify(engine.exportState());
console.log(`alerts raised: ${alerts} over ${ROUNDS} rounds; exported state ${Math.round(state.length / 1024)} KiB; rules alone ${(rulesOnly - baseline).toFixed(0)} ns/event over the baseline`);
