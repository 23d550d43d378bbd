import { untrack } from 'svelte';
import { paramsOf } from './location.js';
import type { Router } from './router.svelte.js';
import type { UrlView } from './view-params.js';

/**
 * Keeps the current screen's state and the address in step, both ways: an address that changes
 * (first load, Back/Forward, a pasted link) is applied to the view; a view that changes writes a
 * new history entry. Call during a component's setup.
 */
export function syncViewWithUrl(router: Router, viewFor: (route: Router['route']) => UrlView | undefined): void {
  let seen = '';
  $effect(() => {
    const route = router.route;
    const query = router.query;
    const view = viewFor(route);
    if (view === undefined) return;
    const key = `${route}?${query}`;
    const fromAddress = key !== seen;
    if (fromAddress) {
      seen = key;
      untrack(() => view.applyParams(paramsOf(query)));
    }
    const params = view.viewParams();
    untrack(() => {
      // What the address said, in its canonical form, replaces it; a change by the user is a new entry.
      router.show(params, { replace: fromAddress });
      seen = `${router.route}?${router.query}`;
    });
  });
}
