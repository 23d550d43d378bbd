import { createBackend, type Backend } from '../api/backend.js';
import { describeError } from './errors.js';
import { AlertRulesState, AlertsState } from './alerts.svelte.js';
import { ClustersState } from './clusters.svelte.js';
import { DeadLettersState } from './dead-letters.svelte.js';
import { FleetState } from './fleet.svelte.js';
import { StreamCostState } from './stream-cost.svelte.js';
import { HistoryState } from './history.svelte.js';
import { KeysState } from './keys.svelte.js';
import { LabFlow } from './lab.svelte.js';
import { LiveEvents } from './live-events.svelte.js';
import { LoadRunsState } from './load-runs.svelte.js';
import { Router } from './router.svelte.js';
import { Session } from './session.svelte.js';
import { WorkerSummary } from './worker-summary.svelte.js';

/** The whole console's state, built once at start-up and handed to the pages. */
export class ConsoleApp {
  readonly session: Session;
  readonly router: Router;
  readonly backend: Backend;
  readonly live: LiveEvents;
  readonly lab: LabFlow;
  readonly keys: KeysState;
  readonly clusters: ClustersState;
  readonly loadRuns: LoadRunsState;
  readonly history: HistoryState;
  readonly deadLetters: DeadLettersState;
  readonly summary: WorkerSummary;
  readonly fleet: FleetState;
  readonly streamCost: StreamCostState;
  readonly alerts: AlertsState;
  readonly alertRules: AlertRulesState;
  configError = $state<string | null>(null);

  constructor(apiBase: string) {
    this.session = new Session();
    this.session.takeTokenFromFragment(window.location, window.history);
    this.router = new Router();
    // A `#token=` link opened in a tab that already shows the console arrives as a hash change.
    window.addEventListener('hashchange', () => {
      if (this.session.takeTokenFromFragment(window.location, window.history)) this.router.read();
    });
    this.backend = createBackend(apiBase, this.session);
    this.live = new LiveEvents(this.backend);
    this.lab = new LabFlow(this.backend);
    this.keys = new KeysState(this.backend);
    this.clusters = new ClustersState(this.backend);
    this.loadRuns = new LoadRunsState(this.backend);
    this.history = new HistoryState(this.backend);
    this.deadLetters = new DeadLettersState(this.backend);
    this.summary = new WorkerSummary(this.backend);
    this.fleet = new FleetState({ fleet: () => this.backend.worker().fleet() });
    this.streamCost = new StreamCostState(this.backend.api);
    this.alerts = new AlertsState(this.backend);
    this.alertRules = new AlertRulesState(this.backend);
  }

  /** Loads `GET /console-config` (public): the worker's URL and the AWS region. */
  async loadConfig(): Promise<void> {
    this.configError = null;
    try {
      this.session.config = await this.backend.api.consoleConfig();
    } catch (error) {
      this.configError = `Cannot load the console configuration: ${describeError(error)}`;
    }
  }

  /** Signs out and closes what depends on the token. */
  signOut(message: string | null = null): void {
    this.live.disconnect();
    this.session.signOut(message);
  }
}
