import type { EventFilter } from '../../domain.js';

/** The filter form's text fields: lists are comma-separated. */
export interface FilterDraft {
  users: string;
  databases: string;
  commands: string;
  objects: string;
  hosts: string;
  classes: string;
  text: string;
  exit: '' | 'ok' | 'failed';
}

export function toDraft(filter: EventFilter): FilterDraft {
  return {
    users: (filter.users ?? []).join(', '),
    databases: (filter.databases ?? []).join(', '),
    commands: (filter.commands ?? []).join(', '),
    objects: (filter.objects ?? []).join(', '),
    hosts: (filter.hosts ?? []).join(', '),
    classes: (filter.classes ?? []).join(', '),
    text: filter.text ?? '',
    exit: filter.exit ?? '',
  };
}

function list(text: string): string[] | undefined {
  const values = [...new Set(text.split(',').map((v) => v.trim()).filter((v) => v !== ''))];
  return values.length === 0 ? undefined : values;
}

/** The filter a draft describes; fields outside the form (time range, heartbeats) are kept from `base`. */
export function fromDraft(draft: FilterDraft, base: EventFilter = {}): EventFilter {
  const filter: EventFilter = {};
  if (base.from !== undefined) filter.from = base.from;
  if (base.to !== undefined) filter.to = base.to;
  if (base.heartbeats !== undefined) filter.heartbeats = base.heartbeats;
  if (base.rdsadmin !== undefined) filter.rdsadmin = base.rdsadmin;
  // Exclusions are not in the form (they come from facets and the detail pane): kept.
  if (base.not !== undefined) filter.not = base.not;
  const lists = { users: list(draft.users), databases: list(draft.databases), commands: list(draft.commands), objects: list(draft.objects), hosts: list(draft.hosts), classes: list(draft.classes) };
  for (const [key, values] of Object.entries(lists)) if (values !== undefined) filter[key as keyof typeof lists] = values;
  if (draft.text.trim() !== '') filter.text = draft.text.trim();
  if (draft.exit !== '') filter.exit = draft.exit;
  return filter;
}

/** How many criteria a filter has (for the "n filters" hint). */
export function criteriaCount(filter: EventFilter): number {
  return (
    (['users', 'databases', 'commands', 'objects', 'hosts', 'classes'] as const).reduce((n, k) => n + (filter[k]?.length ?? 0) + (filter.not?.[k]?.length ?? 0), 0) +
    (filter.text !== undefined ? 1 : 0) +
    (filter.exit !== undefined ? 1 : 0)
  );
}
