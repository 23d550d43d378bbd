import type { ActivityEvent } from '../domain.js';
import type { LiveColumn } from '../state/live-events.svelte.js';
import { fieldLabel } from '../domain.js';
import { formatTime, zoneLabel, type TimeZoneName } from './time-zone.js';

/**
 * Characters of a statement a cell shows at most. A row is one line, yet the browser shapes the
 * whole text of a cell and the line is collapsed over all of it: the lab's data load logs INSERTs
 * of up to 64 KB, and those made most of a live render's time on a loaded machine.
 */
export const CELL_TEXT_MAX = 300;

/** The start of a statement on one line, with `…` when it was cut. */
function oneLine(text: string, max: number): string {
  if (text.length <= max) return text.replace(/\s+/g, ' ');
  return `${text.slice(0, max).replace(/\s+/g, ' ')}…`;
}

/** Text of one table cell; times in `zone`, with their date when the view spans days. */
export function cellText(event: ActivityEvent, column: LiveColumn, zone: TimeZoneName = 'utc', withDate = false): string {
  switch (column) {
    case 'time':
      return formatTime(event.time, zone, withDate);
    case 'exitCode':
      return event.failed ? `failed${event.exitCode !== null ? ` ${event.exitCode}` : ''}` : event.exitCode === null ? '' : String(event.exitCode);
    case 'rowCount':
      return event.rowCount === null ? '' : String(event.rowCount);
    case 'text':
      return event.text === null ? '' : oneLine(event.text, CELL_TEXT_MAX);
    default: {
      const value = event[column];
      return value === null || value === undefined ? '' : String(value);
    }
  }
}

/** Relative column widths for the grid layout. */
export const COLUMN_WIDTHS: Record<LiveColumn, string> = {
  time: '6.6rem',
  user: 'minmax(4rem, 0.8fr)',
  database: 'minmax(3.5rem, 0.7fr)',
  command: 'minmax(4rem, 0.6fr)',
  objectName: 'minmax(4rem, 0.8fr)',
  text: 'minmax(8rem, 3fr)',
  exitCode: '3.6rem',
  remoteHost: 'minmax(5rem, 0.8fr)',
  sessionId: 'minmax(3.5rem, 0.5fr)',
  rowCount: '3rem',
  eventClass: '3.5rem',
  instanceId: 'minmax(5rem, 1fr)',
  statementId: '4rem',
  substatementId: '4rem',
  clientApplication: 'minmax(5rem, 0.8fr)',
  engine: '4.5rem',
};

/** A column's heading; the time column names the zone its times are in. */
export function columnLabel(column: LiveColumn, zone: TimeZoneName): string {
  return column === 'time' ? `Time (${zoneLabel(zone)})` : fieldLabel(column);
}
