import type { TimeZoneName } from '../format/time-zone.js';

const KEY = 'das.timeZone';

/** The zone every time is shown and typed in; UTC unless the user switched (kept per browser). */
export class TimeZoneSetting {
  zone = $state<TimeZoneName>('utc');
  #storage: Pick<Storage, 'getItem' | 'setItem'> | null;

  constructor(storage: Pick<Storage, 'getItem' | 'setItem'> | null = typeof localStorage === 'undefined' ? null : localStorage) {
    this.#storage = storage;
    if (storage?.getItem(KEY) === 'local') this.zone = 'local';
  }

  set(zone: TimeZoneName): void {
    this.zone = zone;
    this.#storage?.setItem(KEY, zone);
  }
}

/** The console's one setting, read by every table and time input. */
export const timeZone = new TimeZoneSetting();
