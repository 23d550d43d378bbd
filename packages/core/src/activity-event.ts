import type { ActivityEventShape } from './event-fields.js';

/**
 * One activity event in the engine-neutral shape every DAS Toolkit part works with (store, live
 * view, filters). Empty strings in the source become null; `raw` keeps the event as received.
 * Its fields are `ACTIVITY_EVENT_FIELDS` (event-fields.ts), the one place they are listed.
 */
export type ActivityEvent = ActivityEventShape;
