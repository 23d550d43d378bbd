import type { ActivityEvent } from '../domain.js';
import type { LiveColumn } from '../state/live-events.svelte.js';
import { fieldLabel } from '../domain.js';
import { formatTime, zoneLabel, type TimeZoneName } from './time-zone.js';

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
      return event.text === null ? '' : event.text.replace(/\s+/g, ' ');
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
