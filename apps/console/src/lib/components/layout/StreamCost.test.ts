import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { StreamCost as StreamCostBody } from '../../api/types.js';
import { StreamCostState } from '../../state/stream-cost.svelte.js';
import StreamCost from './StreamCost.svelte';

function stateOf(body: StreamCostBody): StreamCostState {
  return new StreamCostState({ streamCost: async () => body });
}

describe('StreamCost', () => {
  it("shows a running capture's events/s, CPU share and µs per event", async () => {
    const cost = stateOf({ clusters: { 'my-cluster': { state: 'running', eventsPerSecond: 8421.4, cpuPercent: 6.25, cpuMicrosPerEvent: 7.44, cpuMicros: 1_000_000 } } });
    render(StreamCost, { cost });
    const line = await screen.findByTestId('stream-cost');
    expect(line.textContent).toContain('8,421 events/s');
    expect(line.textContent).toContain('6.3 % of a core');
    expect(line.textContent).toContain('7.4 µs CPU per event');
  });

  it('shows nothing while no stream is started', async () => {
    const cost = stateOf({ clusters: { 'my-cluster': { state: 'idle', eventsPerSecond: 0, cpuPercent: 0, cpuMicrosPerEvent: 0, cpuMicros: 0 } } });
    render(StreamCost, { cost });
    await cost.view.refresh();
    expect(screen.queryByTestId('stream-cost')).toBeNull();
  });
});
