import type { Alert, AlertRuleDryRun, AlertRules, AlertStatus, StoredEvent } from '@das/contracts';
import type { Backend } from '../api/backend.js';
import { describeError } from './errors.js';
import { poll, Resource } from './resource.svelte.js';

/** Open alerts counted for the navigation badge, at most this many (then "999+"). */
const BADGE_LIMIT = 999;

/**
 * The Alerts page: the newest alerts of a status (live from the worker's alert socket, read again
 * every few seconds in case one was missed), acknowledge and resolve, the events behind one.
 */
export class AlertsState {
  readonly #backend: Backend;
  status = $state<AlertStatus | 'all'>('open');
  alerts = $state.raw<Alert[]>([]);
  next = $state<string | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Open alerts, for the navigation badge (null until known). */
  openCount = $state<number | null>(null);
  /** The alert whose events are shown, and those events. */
  expanded = $state<string | null>(null);
  events = $state.raw<StoredEvent[]>([]);
  eventsError = $state<string | null>(null);
  /** Why the last acknowledge/resolve failed. */
  actionError = $state<string | null>(null);

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      const page = await this.#backend.worker().listAlerts({ ...(this.status === 'all' ? {} : { status: this.status }), limit: 100 });
      this.alerts = page.alerts;
      this.next = page.next;
      this.error = null;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  async more(): Promise<void> {
    if (this.next === null) return;
    const page = await this.#backend.worker().listAlerts({ ...(this.status === 'all' ? {} : { status: this.status }), cursor: this.next, limit: 100 });
    this.alerts = [...this.alerts, ...page.alerts];
    this.next = page.next;
  }

  async countOpen(): Promise<void> {
    try {
      const page = await this.#backend.worker().listAlerts({ status: 'open', limit: BADGE_LIMIT + 1 });
      this.openCount = page.alerts.length;
    } catch {
      // The badge keeps its last count; the page itself says what is wrong.
    }
  }

  setStatus(status: AlertStatus | 'all'): void {
    this.status = status;
    void this.refresh();
  }

  /** Refreshes while shown, and takes alerts from the live socket as they are raised. */
  watch(): () => void {
    const stopPolling = poll(() => this.refresh(), 5000);
    const socket = this.#backend.openAlerts({
      onAlert: (alert) => {
        if (this.status !== 'all' && alert.status !== this.status) return;
        this.alerts = [alert, ...this.alerts.filter((a) => a.id !== alert.id)];
        if (alert.status === 'open') this.openCount = (this.openCount ?? 0) + 1;
      },
    });
    return () => {
      stopPolling();
      socket.close();
    };
  }

  /** Keeps the navigation badge current (every 5 s). */
  watchBadge(): () => void {
    return poll(() => this.countOpen(), 5000);
  }

  async acknowledge(id: string): Promise<void> {
    await this.#act(() => this.#backend.worker().acknowledgeAlert(id));
  }

  async resolve(id: string): Promise<void> {
    await this.#act(() => this.#backend.worker().resolveAlert(id));
  }

  async #act(call: () => Promise<Alert>): Promise<void> {
    this.actionError = null;
    try {
      const changed = await call();
      this.alerts =
        this.status === 'all' || changed.status === this.status ? this.alerts.map((a) => (a.id === changed.id ? changed : a)) : this.alerts.filter((a) => a.id !== changed.id);
      void this.countOpen();
    } catch (error) {
      this.actionError = describeError(error);
    }
  }

  /** Shows (or hides) the events behind an alert, read one by one from the store. */
  async toggleEvents(alert: Alert): Promise<void> {
    if (this.expanded === alert.id) {
      this.expanded = null;
      return;
    }
    this.expanded = alert.id;
    this.events = [];
    this.eventsError = null;
    try {
      const worker = this.#backend.worker();
      const found = await Promise.all(alert.eventIds.map((id) => worker.getEvent(id).catch(() => null)));
      if (this.expanded !== alert.id) return;
      this.events = found.filter((e): e is StoredEvent => e !== null).sort((a, b) => a.timeMs - b.timeMs);
      if (this.events.length < alert.eventIds.length) this.eventsError = `${alert.eventIds.length - this.events.length} of its events are no longer stored (retention).`;
    } catch (error) {
      this.eventsError = describeError(error);
    }
  }
}

/** The Rules page: the rules the worker evaluates, and what each would have raised lately. */
export class AlertRulesState {
  readonly #backend: Backend;
  readonly rules: Resource<AlertRules>;
  dryRuns = $state<Record<string, { loading: boolean; result?: AlertRuleDryRun; error?: string }>>({});

  constructor(backend: Backend) {
    this.#backend = backend;
    this.rules = new Resource(() => backend.worker().alertRules());
  }

  /** Why the last switch failed. */
  switchError = $state<string | null>(null);

  async setEnabled(ruleId: string, enabled: boolean): Promise<void> {
    this.switchError = null;
    try {
      const changed = await this.#backend.worker().setAlertRuleEnabled(ruleId, enabled);
      const data = this.rules.data;
      if (data !== null) this.rules.data = { rules: data.rules.map((entry) => (entry.rule.id === ruleId ? changed : entry)) };
    } catch (error) {
      this.switchError = describeError(error);
    }
  }

  async dryRun(ruleId: string, hours = 24): Promise<void> {
    this.dryRuns[ruleId] = { loading: true };
    try {
      this.dryRuns[ruleId] = { loading: false, result: await this.#backend.worker().dryRunAlertRule(ruleId, hours) };
    } catch (error) {
      this.dryRuns[ruleId] = { loading: false, error: describeError(error) };
    }
  }
}
