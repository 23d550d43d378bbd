// ECDSA P-384 signing with a precomputed table of the base point (p384.c).
#ifndef DAS_P384_H
#define DAS_P384_H

#include <stdint.h>

enum { P384_OK = 0, P384_RETRY = 1, P384_BAD_INPUT = 2, P384_NOT_READY = 3 };

/** Random bytes a signature takes: the nonce, then the blinding factors of its two inversions. */
#define P384_RANDOM_BYTES 144

/** Builds the table once per process (thread-safe); 0 if the curve's self-check failed. */
int p384_ready(void);

/**
 * The signature (r ‖ s, 48 bytes each, big-endian) of a SHA-384 `digest` under the private
 * scalar `secret`, from P384_RANDOM_BYTES uniformly random bytes (the nonce k, then the blinding
 * of the inversions). P384_RETRY: draw them again (a part was out of range, or r or s came out 0).
 */
int p384_sign(uint8_t out_rs[96], const uint8_t secret[48], const uint8_t digest[48], const uint8_t random[P384_RANDOM_BYTES]);

/** The public point (x, y) of `secret`, for checking a key against its pair. */
int p384_public_key(uint8_t out_x[48], uint8_t out_y[48], const uint8_t secret[48]);

#endif
