import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
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
    await screen.findByText('PAYLOAD_DECRYPT_FAILED');
    expect(screen.getByText('the data key does not decrypt the payload')).toBeTruthy();
    expect(screen.getByText('shardId-000000000001')).toBeTruthy();
    expect(screen.getByText('49654321098765432109876543210')).toBeTruthy();
    expect(screen.queryByText(/^eyJ0eXBl/)).toBeNull();
    const toggle = screen.getByRole('button', { name: /Show/ });
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText(/^eyJ0eXBl/)).toBeTruthy();
  });
});
