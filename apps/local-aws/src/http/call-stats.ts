/** Counts calls per service and operation; the worker benchmark reads KMS figures from it. */
export class CallStats {
  private startedAt = new Date();
  private readonly external = new Map<string, Map<string, number>>();
  private readonly internal = new Map<string, Map<string, number>>();
  private readonly protocols = new Map<string, number>();
  private readonly sections = new Map<string, () => unknown>();

  /** Adds a live section to the JSON (e.g. `sources`: the MariaDB capture's counters). */
  addSection(name: string, read: () => unknown): void {
    this.sections.set(name, read);
  }

  /** `internal` marks calls the emulator makes to itself (e.g. a source asking KMS for a data key). */
  record(service: string, operation: string, internal = false): void {
    const table = internal ? this.internal : this.external;
    let byOperation = table.get(service);
    if (!byOperation) {
      byOperation = new Map();
      table.set(service, byOperation);
    }
    byOperation.set(operation, (byOperation.get(operation) ?? 0) + 1);
  }

  /** Requests per HTTP version (`1.1`, `2`): shows which clients came over h2c. */
  recordProtocol(httpVersion: string): void {
    this.protocols.set(httpVersion, (this.protocols.get(httpVersion) ?? 0) + 1);
  }

  count(service: string, operation: string): number {
    return this.external.get(service)?.get(operation) ?? 0;
  }

  reset(): void {
    this.external.clear();
    this.internal.clear();
    this.protocols.clear();
    this.startedAt = new Date();
  }

  toJSON(): {
    since: string;
    calls: Record<string, Record<string, number>>;
    internalCalls: Record<string, Record<string, number>>;
    httpVersions: Record<string, number>;
    [section: string]: unknown;
  } {
    return {
      since: this.startedAt.toISOString(),
      calls: toObject(this.external),
      internalCalls: toObject(this.internal),
      httpVersions: Object.fromEntries(this.protocols),
      ...Object.fromEntries([...this.sections].map(([name, read]) => [name, read()])),
    };
  }
}

function toObject(table: Map<string, Map<string, number>>): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const [service, byOperation] of [...table].sort(([a], [b]) => a.localeCompare(b))) {
    result[service] = Object.fromEntries([...byOperation].sort(([a], [b]) => a.localeCompare(b)));
  }
  return result;
}
