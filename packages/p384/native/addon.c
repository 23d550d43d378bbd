// Node-API binding of p384.c: sign(secret, digest, random) and publicKey(secret), Buffers in
// and out. Node-API addons load in worker threads too (the capture signs in its own thread).
#include <node_api.h>
#include <stddef.h>

#include "p384.h"

static int buffer_of(napi_env env, napi_value value, size_t length, uint8_t **data) {
  bool is_buffer = false;
  size_t size = 0;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return 0;
  if (napi_get_buffer_info(env, value, (void **)data, &size) != napi_ok) return 0;
  return size == length;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, "P384_BAD_INPUT", message);
  return NULL;
}

static napi_value result_or_throw(napi_env env, int status, napi_value out) {
  if (status == P384_OK) return out;
  if (status == P384_RETRY) {
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    return undefined;
  }
  if (status == P384_NOT_READY) {
    napi_throw_error(env, "P384_NOT_READY", "the P-384 table failed its self-check");
    return NULL;
  }
  return fail(env, "the private scalar is not in [1, n-1]");
}

static napi_value sign(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *secret, *digest, *random;
  if (argc != 3 || !buffer_of(env, argv[0], 48, &secret) || !buffer_of(env, argv[1], 48, &digest) || !buffer_of(env, argv[2], P384_RANDOM_BYTES, &random)) {
    return fail(env, "sign(secret, digest, random) takes a 48-byte secret, a 48-byte digest and 144 random bytes");
  }
  uint8_t *rs;
  napi_value out;
  if (napi_create_buffer(env, 96, (void **)&rs, &out) != napi_ok) return NULL;
  return result_or_throw(env, p384_sign(rs, secret, digest, random), out);
}

static napi_value public_key(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint8_t *secret;
  if (argc != 1 || !buffer_of(env, argv[0], 48, &secret)) return fail(env, "publicKey(secret) takes a 48-byte Buffer");
  uint8_t *xy;
  napi_value out;
  if (napi_create_buffer(env, 96, (void **)&xy, &out) != napi_ok) return NULL;
  return result_or_throw(env, p384_public_key(xy, xy + 48, secret), out);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"sign", NULL, sign, NULL, NULL, NULL, napi_enumerable, NULL},
      {"publicKey", NULL, public_key, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
