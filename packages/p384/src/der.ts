/** r ‖ s (two 48-byte big-endian integers) as a DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function derSignature(rs: Uint8Array): Buffer {
  if (rs.length % 2 !== 0 || rs.length === 0 || rs.length > 2 * 61) throw new RangeError(`r ‖ s of ${rs.length} bytes`);
  const half = rs.length / 2;
  const r = derInteger(rs.subarray(0, half));
  const s = derInteger(rs.subarray(half));
  // At most 2 × (2 + 1 + 61) content bytes: the short length form always fits.
  return Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s]);
}

/** A non-negative big-endian integer in its shortest DER form. */
function derInteger(value: Uint8Array): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const digits = value.subarray(start);
  const pad = (digits[0] ?? 0) & 0x80 ? 1 : 0;
  const out = Buffer.alloc(2 + pad + digits.length);
  out[0] = 0x02;
  out[1] = pad + digits.length;
  out.set(digits, 2 + pad);
  return out;
}
