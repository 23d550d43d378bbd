// Records packed into one ArrayBuffer, so a batch crosses to a decrypt thread in a transfer list
// (moved, not copied). The caller's buffers are never detached: the consumer sends the same
// records again after a KMS outage.

/** A batch as it travels: one buffer, and where each record ends in it. */
export interface PackedRecords {
  buffer: ArrayBuffer;
  ends: number[];
}

/** Copies `records` into one fresh ArrayBuffer (the only copy a batch costs). */
export function packRecords(records: readonly Uint8Array[]): PackedRecords {
  let total = 0;
  for (const record of records) total += record.byteLength;
  const bytes = new Uint8Array(total);
  const ends: number[] = [];
  let at = 0;
  for (const record of records) {
    bytes.set(record, at);
    at += record.byteLength;
    ends.push(at);
  }
  return { buffer: bytes.buffer, ends };
}

/** Views of each record in a packed batch (no copies). */
export function unpackRecords(packed: PackedRecords): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (const end of packed.ends) {
    out.push(new Uint8Array(packed.buffer, start, end - start));
    start = end;
  }
  return out;
}
