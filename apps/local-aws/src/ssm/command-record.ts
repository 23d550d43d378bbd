/** Status values of a command, its invocation and its plugin (SSM enums). */
export type InvocationStatus = 'Pending' | 'InProgress' | 'Success' | 'Cancelled' | 'Failed' | 'TimedOut' | 'Cancelling';

export const TERMINAL_STATUSES: ReadonlySet<InvocationStatus> = new Set(['Success', 'Cancelled', 'Failed', 'TimedOut']);

/** AWS keeps the first 24,000 characters of standard output and 8,000 of standard error. */
export const STDOUT_LIMIT = 24_000;
export const STDERR_LIMIT = 8_000;
const TRUNCATED = '\n---Output truncated---';

/** One command on the one local instance, as persisted in `<dataDir>/ssm/commands/<id>.json`. */
export interface CommandRecord {
  commandId: string;
  documentName: string;
  documentVersion: string;
  comment: string;
  instanceId: string;
  /** Parameters as given, the password masked. */
  parameters: Record<string, string[]>;
  timeoutSeconds: number;
  /** Epoch milliseconds. */
  requestedAt: number;
  startedAt?: number;
  endedAt?: number;
  status: InvocationStatus;
  statusDetails: string;
  /** Exit code of the last step; -1 while not finished. */
  responseCode: number;
  stdout: string;
  stderr: string;
}

/** Appends to a capped output buffer the way SSM caps it: the beginning is kept. */
export function appendCapped(current: string, chunk: string, limit: number): string {
  if (current.length >= limit) return current;
  const next = current + chunk;
  if (next.length <= limit) return next;
  return next.slice(0, limit - TRUNCATED.length) + TRUNCATED;
}

export function isTerminal(record: CommandRecord): boolean {
  return TERMINAL_STATUSES.has(record.status);
}
