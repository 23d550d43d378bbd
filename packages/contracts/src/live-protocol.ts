// Constants of the `/events/live` handshake, without any schema: the console imports them as
// `@das/contracts/live-protocol`, which keeps typebox out of its bundle.

/** The subprotocol a client offers on `/events/live`. */
export const LIVE_SUBPROTOCOL = 'das.v1';
/** Beside it, `das.bearer.<token>` carries the token, so that it never sits in a URL (or a log of one). */
export const LIVE_TOKEN_SUBPROTOCOL_PREFIX = 'das.bearer.';
