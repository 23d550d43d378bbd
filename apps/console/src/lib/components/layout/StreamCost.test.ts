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

  it('says whether the records are sealed natively, and names each slower fallback', async () => {
    const running = { state: 'running', eventsPerSecond: 100, cpuPercent: 1, cpuMicrosPerEvent: 5, cpuMicros: 500 };
    render(StreamCost, { cost: stateOf({ clusters: { c: running }, sealing: { signer: 'native', gzip: 'isa-l', frames: 'native' } }) });
    expect((await screen.findByTestId('stream-sealing')).textContent?.trim()).toBe('sealed natively');
  });

  it('names the fallbacks a build without the addons seals with', async () => {
    const running = { state: 'running', eventsPerSecond: 100, cpuPercent: 1, cpuMicrosPerEvent: 15, cpuMicros: 1500 };
    render(StreamCost, { cost: stateOf({ clusters: { c: running }, sealing: { signer: 'node:crypto', gzip: 'zlib', frames: 'native' } }) });
    const sealing = await screen.findByTestId('stream-sealing');
    expect(sealing.textContent).toContain('node:crypto signatures, zlib gzip');
    expect(sealing.textContent).not.toContain('frames');
    expect(sealing.classList.contains('fallback')).toBe(true);
  });

  it('shows nothing while no stream is started', async () => {
    const cost = stateOf({ clusters: { 'my-cluster': { state: 'idle', eventsPerSecond: 0, cpuPercent: 0, cpuMicrosPerEvent: 0, cpuMicros: 0 } } });
    render(StreamCost, { cost });
    await cost.view.refresh();
    expect(screen.queryByTestId('stream-cost')).toBeNull();
  });
});
