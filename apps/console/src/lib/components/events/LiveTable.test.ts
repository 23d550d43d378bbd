import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { LiveEvents } from '../../state/live-events.svelte.js';
import { makeEvents } from '../../testing/events.js';
import LivePage from './LivePage.svelte';
import LiveTable from './LiveTable.svelte';

function live(capacity = 50_000) {
  return new LiveEvents(null, { capacity, schedule: (cb) => queueMicrotask(cb) });
}

describe('LiveTable', () => {
  it('renders only a window of rows however many events are held', async () => {
    const state = live();
    render(LiveTable, { live: state });
    state.ingest(makeEvents(5000));
    await waitFor(() => expect(state.shown).toBe(5000));
    const rows = screen.getAllByTestId('live-row');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(100);
  });

  it('shows the chosen columns and selects an event on click', async () => {
    const state = live();
    state.setColumns(['time', 'user', 'command']);
    render(LiveTable, { live: state });
    state.ingest(makeEvents(3));
    await waitFor(() => expect(screen.getAllByTestId('live-row')).toHaveLength(3));
    const first = screen.getAllByTestId('live-row')[0]!;
    expect([...first.querySelectorAll('.cell')].map((c) => c.className.split(' ')[1])).toEqual(['time', 'user', 'command']);
    await fireEvent.click(first);
    expect(state.selected?.id).toBe(1);
    expect(first.getAttribute('aria-selected')).toBe('true');
    // A grid to screen readers: a header row with column headers, rows of cells.
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Time (UTC)', 'User', 'Command']);
    expect(screen.getByRole('grid', { name: 'Live events, newest last' })).toBeTruthy();
  });

  it('chooses the row under the pointer when pressed, and stops following the newest events', async () => {
    const state = live();
    render(LiveTable, { live: state });
    state.ingest(makeEvents(3));
    await waitFor(() => expect(screen.getAllByTestId('live-row')).toHaveLength(3));
    // The press alone selects: while following, the rows move before the button comes up.
    await fireEvent.pointerDown(screen.getAllByTestId('live-row')[1]!, { button: 0 });
    expect(state.selected?.id).toBe(2);
    // A pointer click after the press (detail 1) does not select the row that slid under it.
    await fireEvent.click(screen.getAllByTestId('live-row')[2]!, { detail: 1 });
    expect(state.selected?.id).toBe(2);
    // A secondary button chooses nothing.
    await fireEvent.pointerDown(screen.getAllByTestId('live-row')[0]!, { button: 2 });
    expect(state.selected?.id).toBe(2);
    // No longer following: newer events are counted, not scrolled into view.
    state.ingest(makeEvents(5, 4));
    await waitFor(() => expect(screen.getByRole('button', { name: /5 new events/ })).toBeTruthy());
  });

  it('still offers the new events after the buffer was rebuilt by a filter and a clear', async () => {
    const state = live();
    render(LiveTable, { live: state });
    state.ingest(makeEvents(40));
    await waitFor(() => expect(screen.getAllByTestId('live-row').length).toBeGreaterThan(0));
    await fireEvent.pointerDown(screen.getAllByTestId('live-row')[0]!, { button: 0 });
    // Filter, clear, then a facet-like filter: the buffer starts again from zero each time.
    state.setFilter({ users: ['app'] });
    state.clear();
    state.setFilter({ commands: ['QUERY'] });
    state.ingest(makeEvents(8, 100));
    await waitFor(() => expect(screen.getByRole('button', { name: /\d+ new events/ })).toBeTruthy());
  });

  it('moves the selection with the arrow keys', async () => {
    const state = live();
    render(LiveTable, { live: state });
    state.ingest(makeEvents(3));
    await waitFor(() => expect(screen.getAllByTestId('live-row')).toHaveLength(3));
    const viewport = screen.getByTestId('live-viewport');
    await fireEvent.keyDown(viewport, { key: 'ArrowDown' });
    await fireEvent.keyDown(viewport, { key: 'ArrowDown' });
    expect(state.selected?.id).toBe(2);
    await fireEvent.keyDown(viewport, { key: 'Escape' });
    expect(state.selected).toBeNull();
  });
});

describe('LivePage', () => {
  it('shows received · shown · dropped, exact when the buffer overflows', async () => {
    const state = live(100);
    render(LivePage, { live: state });
    state.ingest(makeEvents(250));
    await waitFor(() => expect(screen.getByTestId('received').textContent).toBe('250'));
    expect(screen.getByTestId('shown').textContent).toBe('100');
    expect(screen.getByTestId('dropped').textContent).toBe('150');
  });

  it('pauses without losing events and counts the new ones', async () => {
    const state = live();
    render(LivePage, { live: state });
    state.ingest(makeEvents(10));
    await waitFor(() => expect(state.shown).toBe(10));
    await fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    state.ingest(makeEvents(7, 10));
    const resume = await screen.findByRole('button', { name: 'Resume (7 new)' });
    const lastText = () => screen.getAllByTestId('live-row').at(-1)?.querySelector('.text')?.textContent;
    expect(lastText()).toMatch(/id = 9$/);
    expect(screen.getByTestId('received').textContent).toBe('17');
    await fireEvent.click(resume);
    await waitFor(() => expect(lastText()).toMatch(/id = 16$/));
  });

  it('filters from a facet click and from the form', async () => {
    const state = live();
    render(LivePage, { live: state });
    state.ingest(makeEvents(40));
    await waitFor(() => expect(state.shown).toBe(40));
    const facet = await screen.findByTitle('Filter on users app');
    await fireEvent.click(facet);
    expect(state.filter).toEqual({ users: ['app'] });
    await waitFor(() => expect(screen.getByTestId('shown').textContent).toBe('10'));
    expect(new Set(screen.getAllByTestId('live-row').map((r) => r.querySelector('.user')?.textContent))).toEqual(new Set(['app']));
    expect((screen.getByRole('textbox', { name: 'User' }) as HTMLInputElement).value).toBe('app');
  });

  it('says what to do when no stream is being read', async () => {
    const state = live();
    state.status = {
      state: 'waiting for activity stream',
      clusterId: 'auroralab-mysql-cluster',
      streamName: null,
      resourceId: null,
      shards: [],
      lagMs: null,
      eventsPerSecond: 0,
      recordsPerSecond: 0,
      storedEvents: 0,
      deadLetters: 0,
    };
    render(LivePage, { live: state });
    expect((await screen.findByText(/No activity stream on auroralab-mysql-cluster/)).textContent).toContain('start one');
  });
});
