import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { EventFilter } from '../../domain.js';
import FilterBar from './FilterBar.svelte';

describe('FilterBar', () => {
  it('builds a @das/core filter from the form: lists split on commas, exit code, text', async () => {
    const onApply = vi.fn<(filter: EventFilter) => void>();
    render(FilterBar, { filter: {}, onApply });
    await fireEvent.input(screen.getByRole('textbox', { name: 'User' }), { target: { value: 'app_user, reporting ,app_user' } });
    await fireEvent.input(screen.getByRole('textbox', { name: 'Command' }), { target: { value: 'QUERY' } });
    await fireEvent.input(screen.getByRole('searchbox', { name: 'Statement contains' }), { target: { value: ' delete from ' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Exit code' }), { target: { value: 'failed' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(onApply).toHaveBeenCalledWith({ users: ['app_user', 'reporting'], commands: ['QUERY'], text: 'delete from', exit: 'failed' });
  });

  it('shows the applied filter and keeps the time range on clear', async () => {
    const onApply = vi.fn<(filter: EventFilter) => void>();
    const filter: EventFilter = { users: ['master'], hosts: ['10.0.0.5'], from: '2026-11-25T00:00:00.000000Z' };
    render(FilterBar, { filter, onApply });
    expect((screen.getByRole('textbox', { name: 'User' }) as HTMLInputElement).value).toBe('master');
    expect((screen.getByRole('textbox', { name: 'Host' }) as HTMLInputElement).value).toBe('10.0.0.5');
    await fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(onApply).toHaveBeenCalledWith({ from: '2026-11-25T00:00:00.000000Z' });
  });

  it('has a label for every field (keyboard and screen-reader reachable)', () => {
    render(FilterBar, { filter: {}, onApply: () => {} });
    for (const name of ['User', 'Database', 'Command', 'Object', 'Host']) expect(screen.getByRole('textbox', { name })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Exit code' })).toBeTruthy();
  });
});
