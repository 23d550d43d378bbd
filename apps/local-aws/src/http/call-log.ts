import { appendFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';

/** One AWS action served, as IAM names it (`kms:Decrypt`), and who asked. */
export interface CallLogEntry {
  time: string;
  /** The access key id of the SigV4 credential scope; `unknown` when it cannot be read. */
  accessKeyId: string;
  /** IAM action: the signing name as prefix (kms, kinesis, rds, ssm) and the operation. */
  action: string;
}

export interface CallLogOptions {
  /** Also append every entry as a JSON line to this file (`<dataDir>/calls.jsonl`). */
  file?: string;
  /** Entries kept for `recent` (default 1,000); the per-caller action counts are never trimmed. */
  recentLimit?: number;
}

/**
 * Which caller (access key id) used which AWS action: lets a test hold each app's calls against
 * its IAM policy document. Counts per caller and action, plus the most recent entries.
 */
export class CallLog {
  private startedAt = new Date();
  private readonly byCaller = new Map<string, Map<string, number>>();
  private recent: CallLogEntry[] = [];
  private readonly recentLimit: number;

  constructor(private readonly options: CallLogOptions = {}) {
    this.recentLimit = options.recentLimit ?? 1000;
  }

  record(accessKeyId: string, signingName: string, operation: string): void {
    const entry: CallLogEntry = { time: new Date().toISOString(), accessKeyId, action: `${signingName}:${operation}` };
    let actions = this.byCaller.get(accessKeyId);
    if (!actions) {
      actions = new Map();
      this.byCaller.set(accessKeyId, actions);
    }
    actions.set(entry.action, (actions.get(entry.action) ?? 0) + 1);
    this.recent.push(entry);
    if (this.recent.length > this.recentLimit * 2) this.recent = this.recent.slice(-this.recentLimit);
    // Synchronous so a line is on disk before the answer leaves; a failing disk must not fail the call.
    if (this.options.file !== undefined) {
      try {
        appendFileSync(this.options.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      } catch {
        // The in-memory log still has it.
      }
    }
  }

  reset(): void {
    this.byCaller.clear();
    this.recent = [];
    this.startedAt = new Date();
  }

  toJSON(): { since: string; callers: Record<string, Record<string, number>>; recent: CallLogEntry[] } {
    const callers: Record<string, Record<string, number>> = {};
    for (const [caller, actions] of [...this.byCaller].sort(([a], [b]) => a.localeCompare(b))) {
      callers[caller] = Object.fromEntries([...actions].sort(([a], [b]) => a.localeCompare(b)));
    }
    return { since: this.startedAt.toISOString(), callers, recent: this.recent.slice(-this.recentLimit) };
  }
}

/** The access key id of a SigV4 request (Authorization header or presigned `X-Amz-Credential`). */
export function callerAccessKeyId(headers: IncomingHttpHeaders, url: string): string {
  const authorization = headers['authorization'];
  let credential = typeof authorization === 'string' ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : undefined;
  if (credential === undefined) {
    const queryStart = url.indexOf('?');
    if (queryStart >= 0) credential = new URLSearchParams(url.slice(queryStart + 1)).get('X-Amz-Credential') ?? undefined;
  }
  const accessKeyId = credential?.split('/')[0];
  // Bounded and printable: it ends up in JSON answers and a file.
  return accessKeyId !== undefined && /^[\x21-\x7e]{1,128}$/.test(accessKeyId) ? accessKeyId : 'unknown';
}
