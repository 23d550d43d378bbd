import { render, screen } from '@testing-library/svelte';
import { createRawSnippet, flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { Resource } from '../../state/resource.svelte.js';
import ResourceView from './ResourceView.svelte';

const empty = createRawSnippet(() => ({ render: () => '<p>Create one first.</p>' }));
const rows = createRawSnippet((names: () => string[]) => ({ render: () => `<ul>${names().map((n) => `<li>${n}</li>`).join('')}</ul>` }));

/** A resource whose next load the test settles by hand. */
function controlledResource(): { resource: Resource<string[]>; settle: (outcome: string[] | Error) => void } {
  let settle: (outcome: string[] | Error) => void = () => undefined;
  const resource = new Resource<string[]>(
    () =>
      new Promise((resolve, reject) => {
        settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      }),
  );
  return { resource, settle: (outcome) => settle(outcome) };
}

function show(resource: Resource<string[]>): void {
  render(ResourceView<string>, { resource, errorTitle: 'Cannot list things', emptyTitle: 'No things', empty, children: rows });
}

describe('ResourceView', () => {
  it('says it is loading, then shows the rows', async () => {
    const { resource, settle } = controlledResource();
    show(resource);
    const loading = resource.refresh();
    flushSync();
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    settle(['alpha', 'beta']);
    await loading;
    flushSync();
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['alpha', 'beta']);
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows the error with its title, and no rows', async () => {
    const { resource, settle } = controlledResource();
    show(resource);
    const loading = resource.refresh();
    settle(new Error('connection refused'));
    await loading;
    flushSync();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Cannot list things');
    expect(alert.textContent).toContain('connection refused');
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('explains an empty list with the advice the page gives', async () => {
    const { resource, settle } = controlledResource();
    show(resource);
    const loading = resource.refresh();
    settle([]);
    await loading;
    flushSync();
    const notice = screen.getByRole('status');
    expect(notice.textContent).toContain('No things');
    expect(notice.textContent).toContain('Create one first.');
  });
});
