import fc from 'fast-check';

/** Numbers as a query string or a path carries them, at the edges a parser gets wrong. */
export const edgeNumberText = fc.constantFrom(
  '0', '-1', '1', '1.5', '-0', '1e3', '1e30', '1e309', 'Infinity', '-Infinity', 'NaN', '9007199254740993',
  '999999999999999999999', '-9223372036854775809', '0x10', '0b1', '1_000', ' 1', '1 ', '+1', '١٢', '', '00000000000000000001',
);

/** Text that breaks naive handlers: encodings, injections, separators, control characters. */
export const hostileText = fc.oneof(
  fc.constantFrom(
    "' OR 1=1 --", '"; DROP TABLE events; --', '../../etc/passwd', '%', '%zz', '%C0%AE', '\u0000', '\r\nX-Injected: 1',
    '<script>alert(1)</script>', '${jndi:ldap://x}', '{{7*7}}', '__proto__', 'constructor', 'toString', ',', ',,,', ':', 'a:b:c',
    '\uD800', '\uFFFF', 'Z'.repeat(5_000),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Any value a query parameter or path segment may hold. */
export const hostileParam = fc.oneof({ weight: 2, arbitrary: edgeNumberText }, { weight: 3, arbitrary: hostileText });

/** JSON bodies: wrong types, deep and large values, and text that is not JSON at all. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, true, 0, -1, 1e308, '', [], {}, { __proto__: { polluted: true } }),
  fc.string({ maxLength: 200 }),
);

/** Bodies as bytes: valid JSON of odd shapes, deep nesting, huge values, broken JSON and broken UTF-8. */
export function hostileBody(objectOf: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> {
  const text = (s: string) => new TextEncoder().encode(s);
  return fc.oneof(
    objectOf.map((value) => text(JSON.stringify(value) ?? 'null')),
    hostileJsonValue.map((value) => text(JSON.stringify(value) ?? 'null')),
    fc.constantFrom(
      text('{'),
      text('{"a":'),
      text('[1,2,'),
      text('null'),
      text('{"alias":"x"}{"alias":"y"}'),
      text('['.repeat(20_000) + ']'.repeat(20_000)),
      text(`{"alias":"${'a'.repeat(300_000)}"}`),
      Uint8Array.from([0xff, 0xfe, 0x7b, 0x7d]),
      Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
      new Uint8Array(0),
    ),
  );
}
