// AES-GCM of many pieces under one key in one call (Node-API), through the OpenSSL that Node
// itself links (its headers ship with Node's). A record's message is a header tag and a few
// frames of 4 KB: one node:crypto cipher object per piece cost more than the encryption.
#include <node_api.h>
#include <openssl/evp.h>
#include <stdint.h>

/** Fields of one piece in the layout (see seal_pieces). */
enum { IV_AT, AAD_AT, AAD_LENGTH, PLAIN_AT, PLAIN_LENGTH, OUT_AT, FIELDS };
#define IV_BYTES 12
#define TAG_BYTES 16

static napi_value fail(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

/** A typed array's bytes, if it is of `want`'s type. */
static int typed_of(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  napi_value arraybuffer;
  size_t offset;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, data, &arraybuffer, &offset) != napi_ok) return 0;
  return type == want;
}

/** [at, at + length) lies inside a buffer of `size` bytes. */
static int inside(uint64_t at, uint64_t length, uint64_t size) {
  return at + length <= size;
}

static const EVP_CIPHER *cipher_for(size_t key_length) {
  switch (key_length) {
    case 16: return EVP_aes_128_gcm();
    case 24: return EVP_aes_192_gcm();
    case 32: return EVP_aes_256_gcm();
    default: return NULL;
  }
}

/**
 * sealPieces(key, plaintext, side, out, layout): for each piece (six uint32s of layout: IV offset
 * in side, AAD offset and length in side, plaintext offset and length, output offset), writes the
 * piece's ciphertext at out[outAt] and its 16-byte tag right after. Every range is checked first.
 */
static napi_value seal_pieces(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *key, *plain, *side, *out;
  uint32_t *layout;
  size_t key_length, plain_size, side_size, out_size, fields;
  if (argc != 5 || !typed_of(env, argv[0], napi_uint8_array, (void **)&key, &key_length) ||
      !typed_of(env, argv[1], napi_uint8_array, (void **)&plain, &plain_size) ||
      !typed_of(env, argv[2], napi_uint8_array, (void **)&side, &side_size) ||
      !typed_of(env, argv[3], napi_uint8_array, (void **)&out, &out_size) ||
      !typed_of(env, argv[4], napi_uint32_array, (void **)&layout, &fields)) {
    return fail(env, "AES_GCM_BAD_INPUT", "sealPieces(key, plaintext, side, out, layout) takes four Uint8Arrays and a Uint32Array");
  }
  const EVP_CIPHER *cipher = cipher_for(key_length);
  if (cipher == NULL) return fail(env, "AES_GCM_BAD_INPUT", "the key must be 16, 24 or 32 bytes");
  if (fields % FIELDS != 0) return fail(env, "AES_GCM_BAD_INPUT", "the layout holds six numbers a piece");
  for (size_t p = 0; p < fields; p += FIELDS) {
    const uint32_t *piece = layout + p;
    if (!inside(piece[IV_AT], IV_BYTES, side_size) || !inside(piece[AAD_AT], piece[AAD_LENGTH], side_size) ||
        !inside(piece[PLAIN_AT], piece[PLAIN_LENGTH], plain_size) ||
        !inside(piece[OUT_AT], (uint64_t)piece[PLAIN_LENGTH] + TAG_BYTES, out_size) || piece[PLAIN_LENGTH] > INT32_MAX ||
        piece[AAD_LENGTH] > INT32_MAX) {
      return fail(env, "AES_GCM_BAD_INPUT", "a piece of the layout lies outside its buffer");
    }
  }
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (ctx == NULL) return fail(env, "AES_GCM_NO_MEMORY", "no memory for a cipher context");
  // The key is set once; each piece then sets only its IV (GCM's default IV length is 12).
  int ok = EVP_EncryptInit_ex(ctx, cipher, NULL, key, NULL) == 1;
  for (size_t p = 0; ok && p < fields; p += FIELDS) {
    const uint32_t *piece = layout + p;
    uint8_t *sealed = out + piece[OUT_AT];
    int written = 0, last = 0, aad_done = 0;
    ok = EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, side + piece[IV_AT]) == 1 &&
         (piece[AAD_LENGTH] == 0 || EVP_EncryptUpdate(ctx, NULL, &aad_done, side + piece[AAD_AT], (int)piece[AAD_LENGTH]) == 1) &&
         (piece[PLAIN_LENGTH] == 0 || EVP_EncryptUpdate(ctx, sealed, &written, plain + piece[PLAIN_AT], (int)piece[PLAIN_LENGTH]) == 1) &&
         EVP_EncryptFinal_ex(ctx, sealed + written, &last) == 1 && (uint32_t)(written + last) == piece[PLAIN_LENGTH] &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, sealed + piece[PLAIN_LENGTH]) == 1;
  }
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return fail(env, "AES_GCM_FAILED", "OpenSSL could not seal a piece");
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "sealPieces", NAPI_AUTO_LENGTH, seal_pieces, NULL, &fn) != napi_ok) return NULL;
  napi_set_named_property(env, exports, "sealPieces", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
