import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { makeEvent } from '../../testing/events.js';
import DetailPane from './DetailPane.svelte';

describe('DetailPane', () => {
  it('shows the event as received, pretty-printed and highlighted', () => {
    const event = makeEvent(1);
    render(DetailPane, { event, onClose: () => {} });
    const pre = screen.getByTestId('event-json');
    expect(pre.textContent).toBe(JSON.stringify(event.raw, null, 2));
    expect(pre.querySelector('.key')?.textContent).toBe('"logTime"');
    expect([...pre.querySelectorAll('.string')].map((s) => s.textContent)).toContain('"record"');
  });

  it('keeps SQL text inert: markup in a statement is shown, never parsed', () => {
    const event = makeEvent(2, { raw: { commandText: "SELECT '<img src=x onerror=alert(1)>'" } });
    render(DetailPane, { event, onClose: () => {} });
    const pre = screen.getByTestId('event-json');
    expect(pre.querySelector('img')).toBeNull();
    expect(pre.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('copies the pretty JSON and says so', async () => {
    const copy = vi.fn(async (_text: string) => {});
    const event = makeEvent(3);
    render(DetailPane, { event, onClose: () => {}, copy });
    await fireEvent.click(screen.getByRole('button', { name: 'Copy JSON' }));
    expect(copy).toHaveBeenCalledWith(JSON.stringify(event.raw, null, 2));
    await waitFor(() => expect(screen.getByTestId('copy-json').textContent?.trim()).toBe('Copied'));
  });

  it('switches to the normalised event and closes', async () => {
    const onClose = vi.fn();
    render(DetailPane, { event: makeEvent(4), onClose });
    await fireEvent.click(screen.getByRole('button', { name: 'Normalised' }));
    const shown = JSON.parse(screen.getByTestId('event-json').textContent ?? '{}') as Record<string, unknown>;
    expect(shown).toMatchObject({ user: 'master', command: 'QUERY', statementId: 4 });
    expect(shown).not.toHaveProperty('raw');
    await fireEvent.click(screen.getByRole('button', { name: 'Close event detail' }));
    expect(onClose).toHaveBeenCalledOnce();
  });
});
