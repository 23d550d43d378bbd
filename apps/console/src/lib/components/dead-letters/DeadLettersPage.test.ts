import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../api/types.js';
import type { DeadLetterSelection, WorkerClient } from '../../api/worker-client.js';
import { DeadLettersState } from '../../state/dead-letters.svelte.js';
import { createFakeBackend } from '../../testing/fake-backend.js';
import DeadLettersPage from './DeadLettersPage.svelte';

const reasonsOf = (letters: DeadLetter[]) => {
  const counts = new Map<string, number>();
  for (const l of letters) counts.set(l.reason, (counts.get(l.reason) ?? 0) + 1);
  const reasons = [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
  return { total: letters.length, reasons };
};

describe('DeadLettersPage', () => {
  it('shows reason, shard, sequence number and, once opened, the raw data loaded on demand', async () => {
    const data = 'eyJ0eXBlIjoiRGF0YWJhc2VBY3Rpdml0eU1vbml0b3JpbmdSZWNvcmRzIn0=';
    const letter: DeadLetter = {
      id: 7,
      reason: 'PAYLOAD_DECRYPT_FAILED',
      message: 'the data key does not decrypt the payload',
      shardId: 'shardId-000000000001',
      sequenceNumber: '49654321098765432109876543210',
      arrivedAt: '2026-11-25T03:00:00.000Z',
      storedAt: '2026-11-25T03:00:01.000Z',
      size: 412_000,
    };
    const fetched: number[] = [];
    const backend = createFakeBackend();
    backend.worker = () =>
      ({
        listDeadLetters: async () => ({ deadLetters: [letter], next: null }),
        deadLetterReasons: async () => reasonsOf([letter]),
        getDeadLetter: async (id: number) => {
          fetched.push(id);
          return { ...letter, data };
        },
      }) as unknown as WorkerClient;
    render(DeadLettersPage, { deadLetters: new DeadLettersState(backend) });
    await screen.findByText('PAYLOAD_DECRYPT_FAILED', { selector: 'strong' });
    expect(screen.getByText('the data key does not decrypt the payload')).toBeTruthy();
    expect(screen.getByText('shardId-000000000001')).toBeTruthy();
    expect(screen.getByText('49654321098765432109876543210')).toBeTruthy();
    expect(screen.getByText(/^2026-11-25 03:00:00.000 UTC$/)).toBeTruthy();
    expect(screen.getByTestId('dead-letter-reasons').textContent).toContain('PAYLOAD_DECRYPT_FAILED');
    expect(screen.queryByTestId('dead-letter-data')).toBeNull();
    expect(fetched).toEqual([]);
    const toggle = screen.getByRole('button', { name: 'Show (402 KB)' });
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    // The envelope is fetched when opened and shown decoded: the base64 parses as JSON.
    expect((await screen.findByTestId('dead-letter-data')).textContent).toContain('"type": "DatabaseActivityMonitoringRecords"');
    expect(fetched).toEqual([7]);
  });

  it('retries per reason or per selection after a confirmation with the worker\'s counts of letters and KMS calls', async () => {
    const letter = (id: number, reason: string): DeadLetter => ({
      id,
      reason,
      message: reason,
      shardId: 'shardId-000000000000',
      sequenceNumber: String(id),
      arrivedAt: null,
      storedAt: '2026-11-25T03:00:01.000Z',
      size: 1,
    });
    let letters = [letter(3, 'KEY_DECRYPT_FAILED'), letter(2, 'KEY_DECRYPT_FAILED'), letter(1, 'ENVELOPE_NOT_JSON')];
    const replays: DeadLetterSelection[] = [];
    const plans: DeadLetterSelection[] = [];
    const backend = createFakeBackend();
    backend.worker = () =>
      ({
        listDeadLetters: async () => ({ deadLetters: letters, next: null }),
        deadLetterReasons: async () => reasonsOf(letters),
        deadLetterReplayPlan: async (selection: DeadLetterSelection) => {
          plans.push(selection);
          return selection.ids !== undefined ? { letters: selection.ids.length, kmsCalls: 0 } : { letters: 2, kmsCalls: 1 };
        },
        replayDeadLetters: async (selection: DeadLetterSelection) => {
          replays.push(selection);
          if (replays.length === 1) {
            // The first replay is cut short by the stream ending.
            letters = letters.filter((l) => l.id !== 3);
            return { examined: 1, recovered: 1, events: 2, stillFailing: 0, retryLater: 0, interrupted: true };
          }
          letters = letters.filter((l) => l.id !== 1);
          return { examined: 1, recovered: 0, events: 0, stillFailing: 1, retryLater: 0, interrupted: false };
        },
      }) as unknown as WorkerClient;
    render(DeadLettersPage, { deadLetters: new DeadLettersState(backend) });
    expect(await screen.findAllByText('KEY_DECRYPT_FAILED', { selector: 'strong' })).toHaveLength(2);
    expect(screen.getByTestId('dead-letter-range').textContent).toContain('1–3 of 3');
    // Per reason: the worker's count, and a yes that says how many letters and KMS calls it takes.
    await fireEvent.click(screen.getByRole('button', { name: 'Retry 2' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Retry 2 dead letters with reason KEY_DECRYPT_FAILED?');
    expect(dialog.textContent).toContain('2 letters, up to 1 KMS Decrypt call ');
    expect(plans).toEqual([{ reason: 'KEY_DECRYPT_FAILED' }]);
    expect(replays).toEqual([]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Retry 2' }));
    const cut = await screen.findByText('Recovered 1 of 1 dead letters');
    expect(cut.closest('[role="status"]')?.textContent).toContain('ended before every letter was examined');
    expect(replays).toEqual([{ reason: 'KEY_DECRYPT_FAILED' }]);
    await waitFor(() => expect(screen.getAllByText('KEY_DECRYPT_FAILED', { selector: 'strong' })).toHaveLength(1));
    // Per selection: tick one letter, retry it alone.
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Select letter 1' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Retry selected (1)' }));
    expect((await screen.findByRole('alertdialog')).textContent).toContain('Retry 1 selected dead letter?');
    expect(screen.getByTestId('replay-plan').textContent).toContain('1 letter, up to 0 KMS Decrypt calls');
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Retry selected (1)' }));
    await fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Retry 1' }));
    await screen.findByText('Recovered 0 of 1 dead letters');
    expect(replays.at(-1)).toEqual({ ids: [1] });
    await waitFor(() => expect(screen.queryByText('ENVELOPE_NOT_JSON', { selector: 'strong' })).toBeNull());
  });
});
