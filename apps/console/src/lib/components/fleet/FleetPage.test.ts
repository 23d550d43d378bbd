import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { Fleet } from '@das/contracts';
import { FleetState } from '../../state/fleet.svelte.js';
import FleetPage from './FleetPage.svelte';

const NOW = Date.parse('2026-12-06T14:00:10.000Z');

function fleetView(overrides: Partial<Fleet> = {}): Fleet {
  return {
    mode: 'fleet',
    workerId: 'local-1',
    streamKey: 's@1',
    leaseTtlMs: 10_000,
    workers: [
      { workerId: 'local-1', host: 'vm', pid: 11, url: null, startedAt: '2026-12-06T13:00:00.000Z', lastSeen: '2026-12-06T14:00:09.000Z', alive: true, eventsPerSecond: 812.5, recordsPerSecond: 16, leases: 2 },
      { workerId: 'local-2', host: 'vm', pid: 12, url: null, startedAt: '2026-12-06T13:00:00.000Z', lastSeen: '2026-12-06T13:59:50.000Z', alive: false, eventsPerSecond: 0, recordsPerSecond: 0, leases: 0 },
    ],
    leases: [
      { shardId: 'shardId-000000000000', parents: [], owner: 'local-1', counter: 3, expiresAt: '2026-12-06T14:00:19.000Z', expired: false, checkpoint: '49680893009858317986183583969988082237460466516671594498', finished: false, lagMs: 120 },
      { shardId: 'shardId-000000000001', parents: [], owner: 'local-2', counter: 1, expiresAt: '2026-12-06T14:00:00.000Z', expired: true, checkpoint: null, finished: false, lagMs: null },
    ],
    ...overrides,
  };
}

describe('FleetPage', () => {
  it('shows each worker with its leases and rate, and each shard with owner, state, lag and hand-overs', async () => {
    render(FleetPage, { fleet: new FleetState({ fleet: async () => fleetView() }), now: () => NOW });
    const workers = await screen.findAllByTestId('fleet-worker');
    expect(workers).toHaveLength(2);
    expect(within(workers[0]!).getByText('alive')).toBeTruthy();
    expect(workers[0]!.textContent).toContain('812.5');
    expect(within(workers[1]!).getByText('not seen')).toBeTruthy();
    const leases = screen.getAllByTestId('fleet-lease');
    expect(leases[0]!.textContent).toContain('reading');
    expect(leases[0]!.textContent).toContain('120 ms');
    expect(leases[0]!.textContent).toContain('in 9.0 s');
    expect(leases[1]!.textContent).toContain('expired');
    expect(screen.getByRole('heading', { name: /expire 10 s after/ })).toBeTruthy();
  });

  it('explains the embedded store and how to run a fleet', async () => {
    render(FleetPage, { fleet: new FleetState({ fleet: async () => fleetView({ mode: 'embedded', leaseTtlMs: null }) }), now: () => NOW });
    expect((await screen.findByText('One worker, embedded store')).closest('[role="status"]')?.textContent).toContain('npm start -- --fleet 3');
  });

  it('says when the worker cannot be asked', async () => {
    render(FleetPage, { fleet: new FleetState({ fleet: async () => Promise.reject(new Error('worker unreachable')) }), now: () => NOW });
    expect(await screen.findByText('Cannot read the fleet')).toBeTruthy();
  });
});
