/**
 * Aurora marks an idle stream as alive with heartbeat events: one goes out when nothing else was
 * put for `intervalMs`. `touch` records activity; the timer never keeps the process alive.
 */
export interface IdleHeartbeat {
  touch(): void;
  stop(): void;
}

export function startIdleHeartbeat(intervalMs: number, emit: () => void): IdleHeartbeat {
  let lastActivityAt = Date.now();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const beat = (): void => {
    if (stopped) return;
    if (Date.now() - lastActivityAt >= intervalMs) {
      emit();
      lastActivityAt = Date.now();
    }
    timer = setTimeout(beat, Math.max(1, lastActivityAt + intervalMs - Date.now()));
    timer.unref();
  };
  beat();
  return {
    touch: () => {
      lastActivityAt = Date.now();
    },
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
