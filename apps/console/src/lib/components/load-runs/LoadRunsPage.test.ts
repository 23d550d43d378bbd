import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { LoadRunsState } from '../../state/load-runs.svelte.js';
import { createFakeBackend, makeLoadRun } from '../../testing/fake-backend.js';
import LoadRunsPage from './LoadRunsPage.svelte';

describe('LoadRunsPage', () => {
  it('shows progress and tpmC of a running load, with a cancel button', async () => {
    const backend = createFakeBackend();
    backend.loadRunScript.push(makeLoadRun('InProgress', 45, 5712.5));
    render(LoadRunsPage, { runs: new LoadRunsState(backend) });
    const row = (await screen.findByText('0b1c2d3e-0000-4000-8000-000000000001')).closest('tr')!;
    expect(within(row).getByRole('progressbar', { name: /^Load of/ }).getAttribute('aria-valuenow')).toBe('45');
    expect(within(row).getByRole('progressbar', { name: /^Data set of/ }).getAttribute('aria-valuenow')).toBe('100');
    expect(within(row).getByText('5,713')).toBeTruthy();
    expect(within(row).getByRole('button', { name: 'Cancel' })).toBeTruthy();
  });

  it('offers no cancel for a finished run', async () => {
    const backend = createFakeBackend();
    backend.loadRunScript.push(makeLoadRun('Success', 100, 6000));
    render(LoadRunsPage, { runs: new LoadRunsState(backend) });
    const row = (await screen.findByText('0b1c2d3e-0000-4000-8000-000000000001')).closest('tr')!;
    expect(within(row).queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('says when a failed run started and why it failed', async () => {
    const backend = createFakeBackend();
    backend.loadRunScript.push({
      ...makeLoadRun('Failed', 0, 0),
      progress: undefined,
      startedAt: '2026-11-25T03:00:00.000Z',
      endedAt: '2026-11-25T03:00:07.000Z',
      failureReason: 'das-tpcc: Access denied for user',
    });
    render(LoadRunsPage, { runs: new LoadRunsState(backend) });
    const row = (await screen.findByText('0b1c2d3e-0000-4000-8000-000000000001')).closest('tr')!;
    expect(within(row).getByTestId('failure-reason').textContent).toBe('das-tpcc: Access denied for user');
    expect(within(row).getByText('2026-11-25 03:00:00.000')).toBeTruthy();
    expect(within(row).getByText('7s')).toBeTruthy();
  });

  it('says where to start a load when there is none', async () => {
    render(LoadRunsPage, { runs: new LoadRunsState(createFakeBackend()) });
    expect((await screen.findByText('No load runs yet')).closest('[role="status"]')?.textContent).toContain('step 3 of the lab');
  });
});
