/** A checkpoint numbered when it was taken. */
export interface Numbered<T> {
  seq: number;
  value: T;
}

export interface CheckpointSaver<T> {
  /** Numbers a checkpoint as it is taken (at sealing time). */
  take(value: T): Numbered<T>;
  /** Saves it after the saves before it, unless a later one is already saved. */
  save(numbered: Numbered<T>): Promise<void>;
  /** Resolves once no save is in flight (failures were reported by `save`). */
  settled(): Promise<void>;
}

/**
 * Records are put in order but their checkpoints may be saved by overlapping calls: saves run one
 * at a time and never go backwards, so a restart resumes from the newest record on the stream.
 */
export function createCheckpointSaver<T>(write: (value: T) => Promise<void>): CheckpointSaver<T> {
  let taken = 0;
  let savedSeq = 0;
  let saving: Promise<void> = Promise.resolve();
  return {
    take: (value) => ({ seq: ++taken, value }),
    save(numbered) {
      saving = saving
        .catch(() => undefined)
        .then(async () => {
          if (numbered.seq <= savedSeq) return;
          await write(numbered.value);
          savedSeq = numbered.seq;
        });
      return saving;
    },
    settled: () => saving.catch(() => undefined),
  };
}
