// The DAS lab's five steps, defined once: their titles, the lab key's alias and description, and
// the sequence with its decisions (reuse the key, skip a started stream, keep it on request).
// Isomorphic: `npm run lab` runs it over the AWS SDK; the console shows the same steps and
// defaults, one button a step.

/** The lab's key alias (without the `alias/` prefix); the console offers it as the default. */
export const LAB_KEY_ALIAS = 'auroralab-mysql-das';
/** The lab's key description; the console offers it as the default. */
export const LAB_KEY_DESCRIPTION = 'Amazon Aurora lab, CMK for Aurora MySQL Database Activity Streaming (DAS)';

/** An alias as KMS names it, `alias/…`, whichever form it was given in. */
export function kmsAliasName(alias: string): string {
  return alias.startsWith('alias/') ? alias : `alias/${alias}`;
}

export const LAB_STEPS = [
  { id: 'key', title: 'Create an AWS KMS customer managed key' },
  { id: 'stream', title: 'Configure Database Activity Streams' },
  { id: 'load', title: 'Generate database load' },
  { id: 'read', title: 'Read activity from the stream' },
  { id: 'stop', title: 'Stop the activity stream' },
] as const;
export type LabStepId = (typeof LAB_STEPS)[number]['id'];

type StreamStatus = 'stopped' | 'starting' | 'started' | 'stopping';

/** What the sequence needs from AWS (or an API in front of it); each call does one AWS thing. */
export interface LabPort {
  /** The enabled key behind the lab alias, or null when there is none. */
  findLabKey(): Promise<string | null>;
  /** Creates the key and names it with the lab alias; returns its ARN. */
  createLabKey(): Promise<string>;
  streamStatus(): Promise<StreamStatus>;
  startStream(keyArn: string): Promise<void>;
  waitForStream(status: 'started' | 'stopped'): Promise<void>;
  runLoad(): Promise<void>;
  readActivity(): Promise<void>;
  stopStream(): Promise<void>;
}

export interface LabSequenceOptions {
  /** Leave the stream running at the end (step 5 skipped). */
  keepStream?: boolean;
  /** Called as each step begins, with its number (1–5) and whether it is skipped. */
  onStep(step: (typeof LAB_STEPS)[number], number: number, skipped: boolean): void;
  /** What a step decided, in AWS terms. */
  note(text: string): void;
}

/**
 * Step 1: the lab key: the enabled key behind the lab alias is reused, else one is created.
 * Returns the key's ARN (or id). The console's button and `npm run lab` both run this.
 */
export async function labKeyStep(port: Pick<LabPort, 'findLabKey' | 'createLabKey'>, note: (text: string) => void, alias = LAB_KEY_ALIAS): Promise<string> {
  const existing = await port.findLabKey();
  if (existing === null) return await port.createLabKey();
  note(`reusing ${kmsAliasName(alias)} → ${existing}`);
  return existing;
}

/** Step 2: the activity stream started with the key; a started one is kept, a stopping one waited for. */
export async function labStreamStep(port: Pick<LabPort, 'streamStatus' | 'startStream' | 'waitForStream'>, keyArn: string, note: (text: string) => void): Promise<void> {
  const status = await port.streamStatus();
  if (status === 'started') note('the activity stream is already started');
  else {
    if (status === 'stopping') await port.waitForStream('stopped');
    await port.startStream(keyArn);
  }
  await port.waitForStream('started');
}

/** Step 5: the activity stream stopped. */
export async function labStopStep(port: Pick<LabPort, 'stopStream' | 'waitForStream'>): Promise<void> {
  await port.stopStream();
  await port.waitForStream('stopped');
}

/** Runs the five steps in order against `port`. */
export async function runLabSequence(port: LabPort, options: LabSequenceOptions): Promise<void> {
  const [key, stream, load, read, stop] = LAB_STEPS;
  options.onStep(key, 1, false);
  const keyArn = await labKeyStep(port, options.note);

  options.onStep(stream, 2, false);
  await labStreamStep(port, keyArn, options.note);

  options.onStep(load, 3, false);
  await port.runLoad();

  options.onStep(read, 4, false);
  await port.readActivity();

  options.onStep(stop, 5, options.keepStream === true);
  if (options.keepStream === true) return;
  await labStopStep(port);
}
