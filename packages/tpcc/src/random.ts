/**
 * Random input generation as TPC-C Clause 2.1.6 and 4.3.2 define it: uniform ranges,
 * NURand, a-strings, n-strings and the syllable-built customer last names.
 */

/** `C` constants for NURand. Load and run differ by a delta inside the range Clause 2.1.6.1 allows. */
export const C_LAST_LOAD = 157;
export const C_LAST_RUN = 223;
export const C_ID = 259;
export const C_OL_I_ID = 7911;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SYLLABLES = ['BAR', 'OUGHT', 'ABLE', 'PRI', 'PRES', 'ESE', 'ANTI', 'CALLY', 'ATION', 'EING'] as const;

/** A pool of random characters: slicing it at random offsets is much cheaper than one draw per char. */
const POOL_SIZE = 1 << 16;
const charPool = (() => {
  let s = '';
  for (let i = 0; i < POOL_SIZE + 600; i++) s += ALNUM[Math.floor(Math.random() * ALNUM.length)];
  return s;
})();
const digitPool = (() => {
  let s = '';
  for (let i = 0; i < POOL_SIZE + 32; i++) s += String(Math.floor(Math.random() * 10));
  return s;
})();

/** Uniform integer in [min, max]. */
export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** Uniform fixed-point number in [min, max] with `scale` decimals. */
export function randomDecimal(min: number, max: number, scale: number): number {
  const f = 10 ** scale;
  return randomInt(Math.round(min * f), Math.round(max * f)) / f;
}

/** NURand(A, x, y) = (((random(0, A) | random(x, y)) + C) % (y - x + 1)) + x. */
export function nuRand(a: number, x: number, y: number, c: number): number {
  return (((randomInt(0, a) | randomInt(x, y)) + c) % (y - x + 1)) + x;
}

/** Random alphanumeric string with a length in [min, max]. */
export function aString(min: number, max: number): string {
  const len = randomInt(min, max);
  const at = Math.floor(Math.random() * POOL_SIZE);
  return charPool.slice(at, at + len);
}

/** Random numeric string with a length in [min, max]. */
export function nString(min: number, max: number): string {
  const len = randomInt(min, max);
  const at = Math.floor(Math.random() * POOL_SIZE);
  return digitPool.slice(at, at + len);
}

/** I_DATA / S_DATA: an a-string of 26..50 where 10% carry "ORIGINAL" at a random position. */
export function dataString(): string {
  const s = aString(26, 50);
  if (Math.random() >= 0.1) return s;
  const at = randomInt(0, s.length - 8);
  return s.slice(0, at) + 'ORIGINAL' + s.slice(at + 8);
}

/** ZIP: four random digits followed by "11111". */
export function zip(): string {
  return nString(4, 4) + '11111';
}

/** The last name for a number in [0, 999], built from three syllables. */
export function lastName(n: number): string {
  return SYLLABLES[Math.floor(n / 100)]! + SYLLABLES[Math.floor(n / 10) % 10]! + SYLLABLES[n % 10]!;
}

/** A random permutation of 1..n (Fisher-Yates). */
export function permutation(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
