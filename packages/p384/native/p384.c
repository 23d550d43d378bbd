// ECDSA signing on NIST P-384 (FIPS 186-4 / SEC 1), the signature of every DAS record.
//
// Why it exists: OpenSSL 3.0 (Node 20 and 22) has no specialised P-384 code; its generic ladder
// takes ~0.8 ms a signature, ~1.6 µs of every captured event. The costly step of a signature is
// k·G for a fresh random k, a multiple of a fixed point, so a table of j·16^i·G (96 windows of
// 16 points, built once, 216 KB) turns it into 96 point additions.
//
// Side channels: every table entry of a window is read and masked, the additions use the complete
// formulas of Renes, Costello and Batina (2015, algorithm 1; no case for doubling or the
// identity), field and scalar arithmetic never branch on their values, and the two inversions of
// a signature (Z of k·G, and k), the only variable-time steps, see the value times a fresh random
// factor. 64-bit limbs, least significant first, Montgomery form (R = 2^384) for both moduli,
// p (coordinates) and n (scalars).
#include "p384.h"

#include <pthread.h>
#include <string.h>

typedef uint64_t u64;
typedef unsigned __int128 u128;

#define LIMBS 6
#define WINDOWS 96
#define WINDOW_POINTS 16

typedef struct {
  u64 m[LIMBS];    // the modulus
  u64 m0inv;       // -m^-1 mod 2^64
  u64 r2[LIMBS];   // R^2 mod m, to enter Montgomery form
  u64 one[LIMBS];  // R mod m, 1 in Montgomery form
} modulus;

typedef struct {
  u64 x[LIMBS], y[LIMBS], z[LIMBS];
} point;  // projective (X:Y:Z), x = X/Z, y = Y/Z; the identity is (0:1:0)

// Big-endian constants of the curve (SEC 2, secp384r1).
static const uint8_t P_BYTES[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff};
static const uint8_t N_BYTES[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73};
static const uint8_t B_BYTES[48] = {
    0xb3, 0x31, 0x2f, 0xa7, 0xe2, 0x3e, 0xe7, 0xe4, 0x98, 0x8e, 0x05, 0x6b, 0xe3, 0xf8, 0x2d, 0x19,
    0x18, 0x1d, 0x9c, 0x6e, 0xfe, 0x81, 0x41, 0x12, 0x03, 0x14, 0x08, 0x8f, 0x50, 0x13, 0x87, 0x5a,
    0xc6, 0x56, 0x39, 0x8d, 0x8a, 0x2e, 0xd1, 0x9d, 0x2a, 0x85, 0xc8, 0xed, 0xd3, 0xec, 0x2a, 0xef};
static const uint8_t GX_BYTES[48] = {
    0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7, 0x1e, 0xf3, 0x20, 0xad, 0x74,
    0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b, 0x98, 0x59, 0xf7, 0x41, 0xe0, 0x82, 0x54, 0x2a, 0x38,
    0x55, 0x02, 0xf2, 0x5d, 0xbf, 0x55, 0x29, 0x6c, 0x3a, 0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a, 0xb7};
static const uint8_t GY_BYTES[48] = {
    0x36, 0x17, 0xde, 0x4a, 0x96, 0x26, 0x2c, 0x6f, 0x5d, 0x9e, 0x98, 0xbf, 0x92, 0x92, 0xdc, 0x29,
    0xf8, 0xf4, 0x1d, 0xbd, 0x28, 0x9a, 0x14, 0x7c, 0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0,
    0x0a, 0x60, 0xb1, 0xce, 0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e, 0x5f};

static modulus P, N;
static u64 B3[LIMBS];  // 3·b, Montgomery form mod p
static point TABLE[WINDOWS][WINDOW_POINTS];
static int ready;  // 1 once the table is built and the self-check passed
static pthread_once_t once = PTHREAD_ONCE_INIT;

// --- integers of 384 bits ---------------------------------------------------------------------

static void from_bytes(u64 out[LIMBS], const uint8_t in[48]) {
  for (int i = 0; i < LIMBS; i++) {
    u64 limb = 0;
    for (int j = 0; j < 8; j++) limb = (limb << 8) | in[48 - 8 * (i + 1) + j];
    out[i] = limb;
  }
}

static void to_bytes(uint8_t out[48], const u64 in[LIMBS]) {
  for (int i = 0; i < LIMBS; i++) {
    for (int j = 0; j < 8; j++) out[48 - 8 * (i + 1) + j] = (uint8_t)(in[i] >> (56 - 8 * j));
  }
}

/** out = a - b; returns the borrow (0 or 1). */
static u64 sub_raw(u64 out[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS]) {
  u64 borrow = 0;
  for (int i = 0; i < LIMBS; i++) {
    u128 d = (u128)a[i] - b[i] - borrow;
    out[i] = (u64)d;
    borrow = (u64)(d >> 64) & 1;
  }
  return borrow;
}

/** out = mask ? a : b, mask all ones or zero. */
static void select_limbs(u64 out[LIMBS], u64 mask, const u64 a[LIMBS], const u64 b[LIMBS]) {
  for (int i = 0; i < LIMBS; i++) out[i] = (a[i] & mask) | (b[i] & ~mask);
}

static u64 is_zero(const u64 a[LIMBS]) {
  u64 any = 0;
  for (int i = 0; i < LIMBS; i++) any |= a[i];
  return 1 ^ ((any | (0 - any)) >> 63);
}

/** a mod m for a < 2m (a 384-bit number against a modulus above 2^383). */
static void reduce_once(u64 out[LIMBS], const u64 a[LIMBS], const modulus *m) {
  u64 d[LIMBS];
  u64 borrow = sub_raw(d, a, m->m);
  select_limbs(out, borrow - 1, d, a);
}

// --- arithmetic mod m, Montgomery form ---------------------------------------------------------

static void mod_add(u64 out[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS], const modulus *m) {
  u64 s[LIMBS], d[LIMBS];
  u64 carry = 0;
  for (int i = 0; i < LIMBS; i++) {
    u128 t = (u128)a[i] + b[i] + carry;
    s[i] = (u64)t;
    carry = (u64)(t >> 64);
  }
  u64 borrow = sub_raw(d, s, m->m);
  // The sum is ≥ m when it carried out of 384 bits or the subtraction did not borrow.
  u64 use_d = carry | (borrow ^ 1);
  select_limbs(out, 0 - use_d, d, s);
}

static void mod_sub(u64 out[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS], const modulus *m) {
  u64 d[LIMBS];
  u64 mask = 0 - sub_raw(d, a, b);
  u64 carry = 0;
  for (int i = 0; i < LIMBS; i++) {
    u128 t = (u128)d[i] + (m->m[i] & mask) + carry;
    out[i] = (u64)t;
    carry = (u64)(t >> 64);
  }
}

/** out = a·b·R^-1 mod m (CIOS); a, b < m. */
static void mont_mul(u64 out[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS], const modulus *m) {
  u64 t[LIMBS + 2] = {0};
  for (int i = 0; i < LIMBS; i++) {
    u128 c = 0;
    for (int j = 0; j < LIMBS; j++) {
      c += (u128)a[j] * b[i] + t[j];
      t[j] = (u64)c;
      c >>= 64;
    }
    c += t[LIMBS];
    t[LIMBS] = (u64)c;
    t[LIMBS + 1] = (u64)(c >> 64);
    u64 q = t[0] * m->m0inv;
    c = (u128)q * m->m[0] + t[0];
    c >>= 64;
    for (int j = 1; j < LIMBS; j++) {
      c += (u128)q * m->m[j] + t[j];
      t[j - 1] = (u64)c;
      c >>= 64;
    }
    c += t[LIMBS];
    t[LIMBS - 1] = (u64)c;
    t[LIMBS] = t[LIMBS + 1] + (u64)(c >> 64);
  }
  // t < 2m: subtract m when t[LIMBS] is set or the 384-bit subtraction does not borrow.
  u64 d[LIMBS];
  u64 borrow = sub_raw(d, t, m->m);
  u64 use_d = t[LIMBS] | (borrow ^ 1);
  select_limbs(out, 0 - use_d, d, t);
}

static void to_mont(u64 out[LIMBS], const u64 a[LIMBS], const modulus *m) { mont_mul(out, a, m->r2, m); }

static void from_mont(u64 out[LIMBS], const u64 a[LIMBS], const modulus *m) {
  static const u64 one[LIMBS] = {1, 0, 0, 0, 0, 0};
  mont_mul(out, a, one, m);
}

/**
 * out = a^(m-2) = a^-1 (Fermat), Montgomery form; 4-bit windows of the public exponent. Constant
 * time, for the public key (its Z comes from the secret, and there is no blinding factor there).
 */
static void mod_inverse(u64 out[LIMBS], const u64 a[LIMBS], const modulus *m) {
  u64 powers[16][LIMBS];
  memcpy(powers[0], m->one, sizeof powers[0]);
  for (int i = 1; i < 16; i++) mont_mul(powers[i], powers[i - 1], a, m);
  static const u64 two[LIMBS] = {2, 0, 0, 0, 0, 0};
  u64 e[LIMBS];
  sub_raw(e, m->m, two);
  u64 r[LIMBS];
  memcpy(r, m->one, sizeof r);
  for (int w = 384 / 4 - 1; w >= 0; w--) {
    for (int s = 0; s < 4; s++) mont_mul(r, r, r, m);
    unsigned nibble = (unsigned)(e[w / 16] >> (4 * (w % 16))) & 15;
    mont_mul(r, r, powers[nibble], m);
  }
  memcpy(out, r, sizeof r);
}

/** a >> 1, with `top` as the new bit 383. */
static void shift_right(u64 a[LIMBS], u64 top) {
  for (int i = 0; i < LIMBS - 1; i++) a[i] = (a[i] >> 1) | (a[i + 1] << 63);
  a[LIMBS - 1] = (a[LIMBS - 1] >> 1) | (top << 63);
}

/** a/2 mod m (m odd): a, or a + m, is even. */
static void halve_mod(u64 a[LIMBS], const modulus *m) {
  u64 mask = 0 - (a[0] & 1);
  u64 carry = 0;
  for (int i = 0; i < LIMBS; i++) {
    u128 t = (u128)a[i] + (m->m[i] & mask) + carry;
    a[i] = (u64)t;
    carry = (u64)(t >> 64);
  }
  shift_right(a, carry);
}

static int is_one(const u64 a[LIMBS]) {
  u64 rest = a[0] ^ 1;
  for (int i = 1; i < LIMBS; i++) rest |= a[i];
  return rest == 0;
}

/**
 * a^-1 mod m for 0 < a < m, plain integers, by the binary extended Euclidean algorithm. Its time
 * depends on a: it only ever sees blinded values (mont_inverse_blinded), never a secret itself.
 * Invariants: x1·a ≡ u and x2·a ≡ v (mod m); ~2 × 384 steps of shifts and subtractions, about a
 * fifth of Fermat's 480 multiplications.
 */
static void inverse_vartime(u64 out[LIMBS], const u64 a[LIMBS], const modulus *m) {
  u64 u[LIMBS], v[LIMBS], x1[LIMBS] = {1}, x2[LIMBS] = {0};
  memcpy(u, a, sizeof u);
  memcpy(v, m->m, sizeof v);
  while (!is_one(u) && !is_one(v)) {
    while ((u[0] & 1) == 0) {
      shift_right(u, 0);
      halve_mod(x1, m);
    }
    while ((v[0] & 1) == 0) {
      shift_right(v, 0);
      halve_mod(x2, m);
    }
    u64 d[LIMBS];
    if (sub_raw(d, u, v) == 0) {
      memcpy(u, d, sizeof u);
      mod_sub(x1, x1, x2, m);
    } else {
      sub_raw(v, v, u);
      mod_sub(x2, x2, x1, m);
    }
  }
  memcpy(out, is_one(u) ? x1 : x2, sizeof x1);
}

/**
 * a^-1 (both in Montgomery form) through the inverse of a·b, with b uniformly random in
 * [1, m-1]: the variable-time inversion sees a·b, which tells nothing of a. 0 if a·b is 0.
 */
static int mont_inverse_blinded(u64 out[LIMBS], const u64 a_m[LIMBS], const u64 b[LIMBS], const modulus *m) {
  u64 b_m[LIMBS], ab_m[LIMBS], ab[LIMBS], inv[LIMBS], inv_m[LIMBS];
  to_mont(b_m, b, m);
  mont_mul(ab_m, a_m, b_m, m);
  from_mont(ab, ab_m, m);
  if (is_zero(ab)) return 0;
  inverse_vartime(inv, ab, m);
  to_mont(inv_m, inv, m);
  mont_mul(out, inv_m, b_m, m);
  return 1;
}

static void modulus_init(modulus *m, const uint8_t bytes[48]) {
  from_bytes(m->m, bytes);
  // Newton's iteration doubles the correct low bits of m0^-1 each step: 1 → 64 in six.
  u64 inv = 1;
  for (int i = 0; i < 6; i++) inv *= 2 - m->m[0] * inv;
  m->m0inv = 0 - inv;
  // R mod m = 2^384 - m (m > 2^383), then doubled 384 times: R^2 mod m.
  static const u64 zero[LIMBS] = {0};
  sub_raw(m->one, zero, m->m);
  u64 r[LIMBS];
  memcpy(r, m->one, sizeof r);
  for (int i = 0; i < 384; i++) mod_add(r, r, r, m);
  memcpy(m->r2, r, sizeof r);
}

// --- points -----------------------------------------------------------------------------------

static void fp_mul(u64 o[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS]) { mont_mul(o, a, b, &P); }
static void fp_add(u64 o[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS]) { mod_add(o, a, b, &P); }
static void fp_sub(u64 o[LIMBS], const u64 a[LIMBS], const u64 b[LIMBS]) { mod_sub(o, a, b, &P); }

/** o = a·t for the curve's a = -3: -(t + t + t). */
static void fp_mul_a(u64 o[LIMBS], const u64 t[LIMBS]) {
  static const u64 zero[LIMBS] = {0};
  u64 t3[LIMBS];
  fp_add(t3, t, t);
  fp_add(t3, t3, t);
  fp_sub(o, zero, t3);
}

/** r = p + q, complete: any inputs, the identity and p = q included (RCB 2015, algorithm 1). */
static void point_add(point *r, const point *p, const point *q) {
  u64 t0[LIMBS], t1[LIMBS], t2[LIMBS], t3[LIMBS], t4[LIMBS], t5[LIMBS];
  u64 x3[LIMBS], y3[LIMBS], z3[LIMBS];
  fp_mul(t0, p->x, q->x);
  fp_mul(t1, p->y, q->y);
  fp_mul(t2, p->z, q->z);
  fp_add(t3, p->x, p->y);
  fp_add(t4, q->x, q->y);
  fp_mul(t3, t3, t4);
  fp_add(t4, t0, t1);
  fp_sub(t3, t3, t4);
  fp_add(t4, p->x, p->z);
  fp_add(t5, q->x, q->z);
  fp_mul(t4, t4, t5);
  fp_add(t5, t0, t2);
  fp_sub(t4, t4, t5);
  fp_add(t5, p->y, p->z);
  fp_add(x3, q->y, q->z);
  fp_mul(t5, t5, x3);
  fp_add(x3, t1, t2);
  fp_sub(t5, t5, x3);
  fp_mul_a(z3, t4);
  fp_mul(x3, B3, t2);
  fp_add(z3, x3, z3);
  fp_sub(x3, t1, z3);
  fp_add(z3, t1, z3);
  fp_mul(y3, x3, z3);
  fp_add(t1, t0, t0);
  fp_add(t1, t1, t0);
  fp_mul_a(t2, t2);
  fp_mul(t4, B3, t4);
  fp_add(t1, t1, t2);
  fp_sub(t2, t0, t2);
  fp_mul_a(t2, t2);
  fp_add(t4, t4, t2);
  fp_mul(t0, t1, t4);
  fp_add(y3, y3, t0);
  fp_mul(t0, t5, t4);
  fp_mul(x3, t3, x3);
  fp_sub(x3, x3, t0);
  fp_mul(t0, t3, t1);
  fp_mul(z3, t5, z3);
  fp_add(z3, z3, t0);
  memcpy(r->x, x3, sizeof x3);
  memcpy(r->y, y3, sizeof y3);
  memcpy(r->z, z3, sizeof z3);
}

static void point_identity(point *r) {
  memset(r, 0, sizeof *r);
  memcpy(r->y, P.one, sizeof r->y);
}

/** The affine x of `pt` as an integer < p (its Z inverted blinded by `blind`); 0 for the identity. */
static int point_affine_x(u64 x[LIMBS], const point *pt, const u64 blind[LIMBS]) {
  u64 zinv[LIMBS], xm[LIMBS];
  if (!mont_inverse_blinded(zinv, pt->z, blind, &P)) return 0;
  fp_mul(xm, pt->x, zinv);
  from_mont(x, xm, &P);
  return 1;
}

/** y^2 = x^3 - 3x + b for affine Montgomery-form coordinates. */
static int on_curve(const u64 x[LIMBS], const u64 y[LIMBS], const u64 b[LIMBS]) {
  u64 lhs[LIMBS], rhs[LIMBS], t[LIMBS];
  fp_mul(lhs, y, y);
  fp_mul(rhs, x, x);
  fp_mul(rhs, rhs, x);
  fp_mul_a(t, x);
  fp_add(rhs, rhs, t);
  fp_add(rhs, rhs, b);
  return memcmp(lhs, rhs, sizeof lhs) == 0;
}

static void build_table(void) {
  modulus_init(&P, P_BYTES);
  modulus_init(&N, N_BYTES);
  u64 b[LIMBS], bm[LIMBS];
  from_bytes(b, B_BYTES);
  to_mont(bm, b, &P);
  fp_add(B3, bm, bm);
  fp_add(B3, B3, bm);
  point base;
  u64 gx[LIMBS], gy[LIMBS];
  from_bytes(gx, GX_BYTES);
  from_bytes(gy, GY_BYTES);
  to_mont(base.x, gx, &P);
  to_mont(base.y, gy, &P);
  memcpy(base.z, P.one, sizeof base.z);
  if (!on_curve(base.x, base.y, bm)) return;
  for (int w = 0; w < WINDOWS; w++) {
    point_identity(&TABLE[w][0]);
    TABLE[w][1] = base;
    for (int j = 2; j < WINDOW_POINTS; j++) point_add(&TABLE[w][j], &TABLE[w][j - 1], &base);
    for (int s = 0; s < 4; s++) point_add(&base, &base, &base);  // base = 16^(w+1)·G
  }
  ready = 1;
}

int p384_ready(void) {
  pthread_once(&once, build_table);
  return ready;
}

/** k·G, k < n; the table lookups read every entry of a window. */
static void base_multiply(point *r, const u64 k[LIMBS]) {
  point acc, pick;
  point_identity(&acc);
  for (int w = 0; w < WINDOWS; w++) {
    u64 nibble = (k[w / 16] >> (4 * (w % 16))) & 15;
    memset(&pick, 0, sizeof pick);
    for (u64 j = 0; j < WINDOW_POINTS; j++) {
      u64 mask = 0 - (((j ^ nibble) - 1) >> 63);
      const u64 *src = (const u64 *)&TABLE[w][j];
      u64 *dst = (u64 *)&pick;
      for (int i = 0; i < 3 * LIMBS; i++) dst[i] |= src[i] & mask;
    }
    point_add(&acc, &acc, &pick);
  }
  *r = acc;
}

/** 1 ≤ a < n. */
static int is_scalar(const u64 a[LIMBS]) {
  u64 d[LIMBS];
  return sub_raw(d, a, N.m) == 1 && !is_zero(a);
}

int p384_public_key(uint8_t out_x[48], uint8_t out_y[48], const uint8_t secret[48]) {
  if (!p384_ready()) return P384_NOT_READY;
  u64 d[LIMBS];
  from_bytes(d, secret);
  if (!is_scalar(d)) return P384_BAD_INPUT;
  point pt;
  base_multiply(&pt, d);
  u64 zinv[LIMBS], xm[LIMBS], ym[LIMBS], x[LIMBS], y[LIMBS];
  mod_inverse(zinv, pt.z, &P);
  fp_mul(xm, pt.x, zinv);
  fp_mul(ym, pt.y, zinv);
  from_mont(x, xm, &P);
  from_mont(y, ym, &P);
  to_bytes(out_x, x);
  to_bytes(out_y, y);
  return P384_OK;
}

/** 48 random bytes as a number in [1, m-1], or 0 (odds ~2^-190 and less: draw again). */
static int random_below(u64 out[LIMBS], const uint8_t bytes[48], const modulus *m) {
  from_bytes(out, bytes);
  u64 d[LIMBS];
  return sub_raw(d, out, m->m) == 1 && !is_zero(out);
}

int p384_sign(uint8_t out_rs[96], const uint8_t secret[48], const uint8_t digest[48], const uint8_t random[P384_RANDOM_BYTES]) {
  if (!p384_ready()) return P384_NOT_READY;
  u64 d[LIMBS], k[LIMBS], e[LIMBS], blind_p[LIMBS], blind_n[LIMBS];
  from_bytes(d, secret);
  if (!is_scalar(d)) return P384_BAD_INPUT;
  // The nonce, and the blinding of the two inversions; a draw out of range is drawn again.
  if (!random_below(k, random, &N) || !random_below(blind_p, random + 48, &P) || !random_below(blind_n, random + 96, &N)) return P384_RETRY;
  // The digest is as long as n, so it is taken whole (SEC 1 4.1.3 step 5), reduced mod n.
  from_bytes(e, digest);
  reduce_once(e, e, &N);

  point kg;
  base_multiply(&kg, k);
  u64 x[LIMBS], r[LIMBS];
  if (!point_affine_x(x, &kg, blind_p)) return P384_RETRY;
  reduce_once(r, x, &N);
  if (is_zero(r)) return P384_RETRY;

  // s = k^-1 (e + r·d) mod n
  u64 km[LIMBS], kinv[LIMBS], rm[LIMBS], dm[LIMBS], em[LIMBS], t[LIMBS], sm[LIMBS], s[LIMBS];
  to_mont(km, k, &N);
  if (!mont_inverse_blinded(kinv, km, blind_n, &N)) return P384_RETRY;
  to_mont(rm, r, &N);
  to_mont(dm, d, &N);
  to_mont(em, e, &N);
  mont_mul(t, rm, dm, &N);
  mod_add(t, t, em, &N);
  mont_mul(sm, kinv, t, &N);
  from_mont(s, sm, &N);
  if (is_zero(s)) return P384_RETRY;
  to_bytes(out_rs, r);
  to_bytes(out_rs + 48, s);
  // The nonce and the secret are gone with this frame; wipe what held them.
  volatile u64 *wipe[] = {d, k, km, kinv, dm, t, blind_n};
  for (size_t i = 0; i < sizeof wipe / sizeof wipe[0]; i++) {
    for (int j = 0; j < LIMBS; j++) wipe[i][j] = 0;
  }
  return P384_OK;
}
