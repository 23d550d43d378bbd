import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../api/types.js';
import type { WorkerClient } from '../../api/worker-client.js';
import { DeadLettersState } from '../../state/dead-letters.svelte.js';
import { createFakeBackend } from '../../testing/fake-backend.js';
import DeadLettersPage from './DeadLettersPage.svelte';

describe('DeadLettersPage', () => {
  it('shows reason, shard, sequence number and, on request, the raw data', async () => {
    const backend = createFakeBackend();
    backend.worker = () =>
      ({
        listDeadLetters: async () => ({
          deadLetters: [
            {
              id: 7,
              reason: 'PAYLOAD_DECRYPT_FAILED',
              message: 'the data key does not decrypt the payload',
              shardId: 'shardId-000000000001',
              sequenceNumber: '49654321098765432109876543210',
              arrivedAt: '2026-11-25T03:00:00.000Z',
              storedAt: '2026-11-25T03:00:01.000Z',
              data: 'eyJ0eXBlIjoiRGF0YWJhc2VBY3Rpdml0eU1vbml0b3JpbmdSZWNvcmRzIn0=',
            },
          ],
          next: null,
        }),
      }) as unknown as WorkerClient;
    render(DeadLettersPage, { deadLetters: new DeadLettersState(backend) });
    await screen.findByText('PAYLOAD_DECRYPT_FAILED', { selector: 'strong' });
    expect(screen.getByText('the data key does not decrypt the payload')).toBeTruthy();
    expect(screen.getByText('shardId-000000000001')).toBeTruthy();
    expect(screen.getByText('49654321098765432109876543210')).toBeTruthy();
    expect(screen.getByText(/^2026-11-25 03:00:00.000 UTC$/)).toBeTruthy();
    expect(screen.queryByTestId('dead-letter-data')).toBeNull();
    const toggle = screen.getByRole('button', { name: /Show/ });
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    // The envelope is shown decoded: the base64 parses as JSON.
    expect(screen.getByTestId('dead-letter-data').textContent).toContain('"type": "DatabaseActivityMonitoringRecords"');
  });

  it('retries decryption and says how many letters became events', async () => {
    const letter = (id: number, reason: string): DeadLetter => ({
      id,
      reason,
      message: reason,
      shardId: 'shardId-000000000000',
      sequenceNumber: String(id),
      arrivedAt: null,
      storedAt: '2026-11-25T03:00:01.000Z',
      data: 'AA==',
    });
    let letters = [letter(3, 'KEY_DECRYPT_FAILED'), letter(2, 'KEY_DECRYPT_FAILED'), letter(1, 'ENVELOPE_NOT_JSON')];
    let replays = 0;
    const backend = createFakeBackend();
    backend.worker = () =>
      ({
        listDeadLetters: async () => ({ deadLetters: letters, next: null }),
        replayDeadLetters: async () => {
          replays += 1;
          // The first replay is cut short by the stream ending; the second finishes.
          if (replays === 1) {
            letters = letters.filter((l) => l.id !== 3);
            return { examined: 1, recovered: 1, events: 2, stillFailing: 0, retryLater: 0, interrupted: true };
          }
          letters = letters.filter((l) => l.reason !== 'KEY_DECRYPT_FAILED');
          return { examined: 2, recovered: 1, events: 3, stillFailing: 1, retryLater: 0, interrupted: false };
        },
      }) as unknown as WorkerClient;
    render(DeadLettersPage, { deadLetters: new DeadLettersState(backend) });
    expect(await screen.findAllByText('KEY_DECRYPT_FAILED', { selector: 'strong' })).toHaveLength(2);
    await fireEvent.click(screen.getByRole('button', { name: 'Retry decryption' }));
    // The retry waits for a yes that says how many letters and KMS calls it takes.
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog.textContent).toContain('Retry 3 dead letters?');
    expect(dialog.textContent).toContain('up to 3 KMS Decrypt calls');
    expect(replays).toBe(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Retry 3' }));
    const cut = await screen.findByText('Recovered 1 of 1 dead letters');
    expect(cut.closest('[role="status"]')?.textContent).toContain('ended before every letter was examined');
    await waitFor(() => expect(screen.getAllByText('KEY_DECRYPT_FAILED', { selector: 'strong' })).toHaveLength(1));
    await fireEvent.click(screen.getByRole('button', { name: 'Retry decryption' }));
    await fireEvent.click(await screen.findByRole('button', { name: 'Retry 2' }));
    const notice = await screen.findByText('Recovered 1 of 2 dead letters');
    expect(notice.closest('[role="status"]')?.textContent).toContain('3 events stored · 1 still failing');
    expect(notice.closest('[role="status"]')?.textContent).not.toContain('ended before');
    await waitFor(() => expect(screen.queryByText('KEY_DECRYPT_FAILED', { selector: 'strong' })).toBeNull());
    expect(screen.getByText('ENVELOPE_NOT_JSON', { selector: 'strong' })).toBeTruthy();
    expect(replays).toBe(2);
  });
});
