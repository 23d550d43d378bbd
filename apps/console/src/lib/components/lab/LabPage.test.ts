import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { LAB_KEY_ALIAS, LAB_KEY_DESCRIPTION, LAB_STEPS } from '@das/contracts/lab';
import { describe, expect, it } from 'vitest';
import { LabFlow } from '../../state/lab.svelte.js';
import { LiveEvents } from '../../state/live-events.svelte.js';
import { makeEvents } from '../../testing/events.js';
import { createFakeBackend, makeKey, makeLoadRun } from '../../testing/fake-backend.js';
import LabPage from './LabPage.svelte';

function setup() {
  const backend = createFakeBackend();
  const lab = new LabFlow(backend, { pollMs: 5 });
  const live = new LiveEvents(backend, { schedule: (cb) => queueMicrotask(cb) });
  render(LabPage, { lab, live });
  return { backend, lab, live, step: (n: number) => within(screen.getByTestId(`lab-step-${n}`)) };
}

describe('LabPage', () => {
  it('offers the lab key defaults and step titles of @das/contracts/lab', async () => {
    expect(LAB_KEY_ALIAS).toBe('auroralab-mysql-das');
    setup();
    expect((screen.getByLabelText('Alias') as HTMLInputElement).value).toBe(LAB_KEY_ALIAS);
    expect((screen.getByLabelText('Description') as HTMLInputElement).value).toBe(LAB_KEY_DESCRIPTION);
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual(LAB_STEPS.map((s, i) => `${i + 1}. ${s.title}`));
  });

  it('runs the five steps and says what each did in AWS terms', async () => {
    const { backend, step } = setup();
    await waitFor(() => expect(backend.calls).toContain('listClusters'));

    await fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(screen.getByTestId('lab-step-1').dataset.state).toBe('done'));
    expect(step(1).getByText('1234abcd-12ab-34cd-56ef-1234567890ab')).toBeTruthy();

    backend.statusScript.push(['starting', 'started']);
    await fireEvent.click(screen.getByRole('button', { name: 'Start activity stream' }));
    await waitFor(() => expect(screen.getByTestId('lab-step-2').dataset.state).toBe('done'));
    const log = step(2).getByRole('list', { name: 'Activity stream status changes' }).textContent ?? '';
    expect(log).toMatch(/StartActivityStream accepted[\s\S]*starting[\s\S]*started/);
    expect(step(2).getByText('aws-rds-das-cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toBeTruthy();
    expect(step(2).getByText('cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toBeTruthy();
    expect(backend.calls).toContain('startActivityStream auroralab-mysql-cluster 1234abcd-12ab-34cd-56ef-1234567890ab');

    backend.loadRunScript.push(makeLoadRun('InProgress', 40, 1234.4), makeLoadRun('Success', 100, 1500));
    await fireEvent.input(screen.getByLabelText('Duration (s)'), { target: { value: '20' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Generate load' }));
    await waitFor(() => expect(screen.getByTestId('lab-step-3').dataset.state).toBe('done'));
    expect(step(3).getByTestId('tpmc').textContent).toBe('tpmC 1,500');
    expect(step(3).getByRole('progressbar', { name: 'Load progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(step(3).getByText('0b1c2d3e-0000-4000-8000-000000000001')).toBeTruthy();
    expect(backend.calls.find((c) => c.startsWith('createLoadRun'))).toContain('"duration":20');

    await fireEvent.click(screen.getByRole('button', { name: 'Watch events' }));
    await waitFor(() => expect(backend.live).not.toBeNull());
    backend.live!.handlers.onEvents(makeEvents(3));
    await waitFor(() => expect(screen.getByTestId('lab-step-4').dataset.state).toBe('done'));
    expect(step(4).getByRole('list', { name: 'Latest events' }).children).toHaveLength(3);

    backend.statusScript.push(['stopping', 'stopped']);
    await fireEvent.click(screen.getByRole('button', { name: 'Stop activity stream' }));
    await waitFor(() => expect(screen.getByTestId('lab-step-5').dataset.state).toBe('done'));
    expect(step(5).getByRole('list', { name: 'Stop status changes' }).textContent).toMatch(/stopping[\s\S]*stopped/);
  });

  it('picks up an existing lab key instead of asking to create one', async () => {
    const backend = createFakeBackend();
    backend.keys.push(makeKey());
    const lab = new LabFlow(backend);
    render(LabPage, { lab, live: new LiveEvents(backend) });
    await waitFor(() => expect(screen.getByTestId('lab-step-1').dataset.state).toBe('done'));
    expect(screen.queryByRole('button', { name: 'Create key' })).toBeNull();
  });

  it('says what to do when the API fails a step', async () => {
    const backend = createFakeBackend();
    backend.api.createKey = async () => {
      const { ApiError } = await import('../../api/http.js');
      throw new ApiError(400, 'VALIDATION_FAILED', 'keyAdministrators must be IAM principal ARNs', undefined, '/body/keyAdministrators');
    };
    render(LabPage, { lab: new LabFlow(backend), live: new LiveEvents(backend) });
    await fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(screen.getByTestId('lab-step-1').dataset.state).toBe('failed'));
    expect(screen.getByRole('alert').textContent).toContain('keyAdministrators must be IAM principal ARNs');
  });

  it('explains an empty account: no clusters', async () => {
    const backend = createFakeBackend();
    backend.clusters = [];
    render(LabPage, { lab: new LabFlow(backend), live: new LiveEvents(backend) });
    await screen.findByText('No DB clusters');
  });
});
