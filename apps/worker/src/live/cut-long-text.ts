import type { StoredEvent } from '@das/contracts';

/** Ends a text that was cut, so that a reader sees it is not whole. */
const CUT_MARK = '…';

function cutString(value: string, maxChars: number): string {
  return value.slice(0, maxChars) + CUT_MARK;
}

/** The raw event with its long strings (top level and inside top-level lists, as `paramList`) cut; the names of those cut. */
function cutRaw(raw: Record<string, unknown>, maxChars: number, cut: string[]): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(raw)) {
    let next: unknown = value;
    if (typeof value === 'string' && value.length > maxChars) next = cutString(value, maxChars);
    else if (Array.isArray(value) && value.some((item) => typeof item === 'string' && item.length > maxChars)) {
      next = value.map((item: unknown) => (typeof item === 'string' && item.length > maxChars ? cutString(item, maxChars) : item));
    }
    if (next !== value) {
      copy ??= { ...raw };
      copy[key] = next;
      cut.push(`raw.${key}`);
    }
  }
  return copy ?? raw;
}

/**
 * The event as a live frame carries it for a subscription that asked for texts of at most
 * `maxChars`: a 64 KB INSERT of a data load is sent (twice: `text` and `raw.commandText`) to a
 * table that shows one line of it. The same object when nothing is longer; otherwise a copy whose
 * `cut` names what was shortened, for the reader to fetch the whole event by id when it needs it.
 */
export function cutLongText(event: StoredEvent, maxChars: number): StoredEvent {
  const cut: string[] = [];
  const shorten = (field: 'text' | 'fingerprint' | 'errorMessage'): string | null | undefined => {
    const value = event[field];
    if (typeof value !== 'string' || value.length <= maxChars) return value;
    cut.push(field);
    return cutString(value, maxChars);
  };
  const text = shorten('text');
  const fingerprint = shorten('fingerprint');
  const errorMessage = shorten('errorMessage');
  const raw = cutRaw(event.raw as Record<string, unknown>, maxChars, cut);
  if (cut.length === 0) return event;
  return { ...event, text, fingerprint, errorMessage, raw, cut } as StoredEvent;
}
