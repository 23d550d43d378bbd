import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Alert, AlertRuleDryRun, StoredEvent } from '@das/contracts';
import type { AlertSocketHandlers } from '../../api/alert-socket.js';
import type { Backend } from '../../api/backend.js';
import type { WorkerClient } from '../../api/worker-client.js';
import { AlertRulesState, AlertsState } from '../../state/alerts.svelte.js';
import AlertRulesPage from './AlertRulesPage.svelte';
import AlertsPage from './AlertsPage.svelte';

function alertOf(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    ruleId: 'failed-login-burst',
    kind: 'threshold',
    severity: 'high',
    title: '5 failed logins for app from 10.0.1.25',
    groupKey: 'user=app, remoteHost=10.0.1.25',
    group: { user: 'app', remoteHost: '10.0.1.25' },
    eventIds: [11, 12],
    eventCount: 5,
    value: 5,
    windowStart: '2026-12-06T14:00:00.000Z',
    firstTime: '2026-12-06T14:00:01.000000Z',
    lastTime: '2026-12-06T14:00:09.000000Z',
    createdAt: '2026-12-06T14:00:09.500Z',
    status: 'open',
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    ...overrides,
  };
}

/** A worker holding `alerts`, recording calls; and the live alert handlers the page opened. */
function fakeBackend(alerts: Alert[]) {
  const calls: string[] = [];
  const live: AlertSocketHandlers[] = [];
  const worker = {
    listAlerts: async (query: { status?: string }) => {
      calls.push(`listAlerts ${query.status ?? 'all'}`);
      return { alerts: alerts.filter((a) => query.status === undefined || a.status === query.status), next: null };
    },
    acknowledgeAlert: async (id: string) => {
      calls.push(`acknowledge ${id}`);
      const alert = alerts.find((a) => a.id === id)!;
      alert.status = 'acknowledged';
      return { ...alert };
    },
    resolveAlert: async (id: string) => {
      calls.push(`resolve ${id}`);
      const alert = alerts.find((a) => a.id === id)!;
      alert.status = 'resolved';
      return { ...alert };
    },
    getEvent: async (id: number) => ({ id, time: '2026-12-06T14:00:01.000000Z', timeMs: Date.parse('2026-12-06T14:00:01Z') + id, user: 'app', remoteHost: '10.0.1.25', command: 'FAILED_CONNECT', text: null, errorMessage: 'Access denied' }) as unknown as StoredEvent,
    alertRules: async () => ({
      rules: [
        { source: 'built-in', rule: { id: 'failed-login-burst', kind: 'threshold', title: 'x', severity: 'high', description: 'Five failed logins', groupBy: ['user'], count: 5, windowSeconds: 180 } },
        { source: 'file', rule: { id: 'drop-table', kind: 'event', title: 'y', severity: 'critical', enabled: false } },
      ],
    }),
    setAlertRuleEnabled: async (id: string, enabled: boolean) => {
      calls.push(`${enabled ? 'enable' : 'disable'} ${id}`);
      return { source: 'built-in', rule: { id, kind: 'threshold', title: 'x', severity: 'high', description: 'Five failed logins', enabled } };
    },
    dryRunAlertRule: async (id: string, hours: number): Promise<AlertRuleDryRun> => {
      calls.push(`dryRun ${id} ${hours}`);
      return { ruleId: id, from: '', to: '', events: 1200, truncated: false, alerts: [{ ...alertOf('abcdef0123456789'), dedupKey: 'k', value: 5 }] as never };
    },
  } as unknown as WorkerClient;
  const backend = {
    worker: () => worker,
    openAlerts: (handlers: AlertSocketHandlers) => {
      live.push(handlers);
      return { close: () => undefined };
    },
  } as unknown as Backend;
  return { backend, calls, live };
}

describe('AlertsPage', () => {
  it('lists open alerts with their severity, shows the events behind one, and acknowledges and resolves', async () => {
    const { backend, calls } = fakeBackend([alertOf('0000000000000001'), alertOf('0000000000000002', { severity: 'critical', title: 'GRANT by app' })]);
    render(AlertsPage, { alerts: new AlertsState(backend) });
    const rows = await screen.findAllByTestId('alert-row');
    expect(rows.map((r) => r.getAttribute('data-severity'))).toEqual(['high', 'critical']);
    await fireEvent.click(within(rows[0]!).getByRole('button', { name: '5 events' }));
    const behind = await screen.findByRole('table', { name: 'Events behind the alert' });
    expect(within(behind).getAllByText('FAILED_CONNECT')).toHaveLength(2);
    await fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(calls).toContain('acknowledge 0000000000000001'));
    // Acknowledged alerts leave the "open" view.
    await waitFor(() => expect(screen.getAllByTestId('alert-row')).toHaveLength(1));
    await fireEvent.click(screen.getByRole('button', { name: 'Resolve' }));
    await waitFor(() => expect(calls).toContain('resolve 0000000000000002'));
    expect(await screen.findByText('No open alerts')).toBeTruthy();
  });

  it('adds alerts as the worker raises them', async () => {
    const { backend, live } = fakeBackend([]);
    const state = new AlertsState(backend);
    render(AlertsPage, { alerts: state });
    await screen.findByText('No open alerts');
    live[0]!.onAlert(alertOf('00000000000000aa', { title: 'DROP TABLE orders_old by app', severity: 'critical' }));
    expect(await screen.findByText('DROP TABLE orders_old by app')).toBeTruthy();
    expect(state.openCount).toBe(1);
  });
});

describe('AlertRulesPage', () => {
  it('lists the rules with kind, severity, state and source, and shows what a dry run would raise', async () => {
    const { backend, calls } = fakeBackend([]);
    render(AlertRulesPage, { rules: new AlertRulesState(backend) });
    const rows = await screen.findAllByTestId('rule-row');
    expect(rows[0]!.textContent).toContain('Five failed logins');
    expect(rows[1]!.textContent).toContain('off');
    expect(rows[1]!.textContent).toContain('file');
    await fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Dry run (24 h)' }));
    const result = await screen.findByTestId('dry-run');
    expect(calls).toContain('dryRun failed-login-burst 24');
    expect(result.textContent?.replace(/\s+/g, ' ')).toContain('Would have raised 1 alert over 1,200 stored events');
    await fireEvent.click(within(rows[0]!).getByRole('button', { name: 'Turn off' }));
    await waitFor(() => expect(calls).toContain('disable failed-login-burst'));
    expect(await within(screen.getAllByTestId('rule-row')[0]!).findByRole('button', { name: 'Turn on' })).toBeTruthy();
  });
});
