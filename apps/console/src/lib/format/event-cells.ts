import type { ActivityEvent } from '../domain.js';
import type { LiveColumn } from '../state/live-events.svelte.js';
import { shortTime } from './format.js';

/** Text of one table cell. */
export function cellText(event: ActivityEvent, column: LiveColumn): string {
  switch (column) {
    case 'time':
      return shortTime(event.time);
    case 'exitCode':
      return event.failed ? `failed${event.exitCode !== null ? ` ${event.exitCode}` : ''}` : event.exitCode === null ? '' : String(event.exitCode);
    case 'rowCount':
      return event.rowCount === null ? '' : String(event.rowCount);
    case 'text':
      return event.text === null ? '' : event.text.replace(/\s+/g, ' ');
    default: {
      const value = event[column];
      return value === null || value === undefined ? '' : String(value);
    }
  }
}

/** Relative column widths for the grid layout. */
export const COLUMN_WIDTHS: Record<LiveColumn, string> = {
  time: '7.5rem',
  user: 'minmax(6rem, 0.8fr)',
  database: 'minmax(6rem, 0.8fr)',
  command: 'minmax(5.5rem, 0.6fr)',
  objectName: 'minmax(6rem, 0.8fr)',
  text: 'minmax(12rem, 3fr)',
  exitCode: '4.5rem',
  remoteHost: 'minmax(6rem, 0.8fr)',
  sessionId: '5.5rem',
  rowCount: '4rem',
  eventClass: '4.5rem',
  instanceId: 'minmax(7rem, 1fr)',
};
