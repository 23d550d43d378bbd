import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { KeysState } from '../../state/keys.svelte.js';
import { createFakeBackend, makeKey } from '../../testing/fake-backend.js';
import KeysPage from './KeysPage.svelte';

describe('KeysPage', () => {
  it('lists keys and schedules a deletion only after confirmation', async () => {
    const backend = createFakeBackend();
    backend.keys.push(makeKey());
    render(KeysPage, { keys: new KeysState(backend) });
    await screen.findByRole('cell', { name: 'auroralab-mysql-das' });
    await fireEvent.click(screen.getByRole('button', { name: 'Schedule deletion' }));
    expect(backend.calls.some((c) => c.startsWith('scheduleKeyDeletion'))).toBe(false);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete in 30 days' }));
    await waitFor(() => expect(backend.calls).toContain('scheduleKeyDeletion 1234abcd-12ab-34cd-56ef-1234567890ab'));
  });

  it('says where to create the first key', async () => {
    render(KeysPage, { keys: new KeysState(createFakeBackend()) });
    expect((await screen.findByText('No customer managed keys')).closest('[role="status"]')?.textContent).toContain('step 1 of the lab');
  });
});
