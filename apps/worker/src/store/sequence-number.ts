/** Kinesis sequence numbers are decimal strings of up to ~56 digits: compare them as big integers. */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
