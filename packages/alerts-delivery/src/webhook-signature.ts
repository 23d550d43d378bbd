import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, keyed by the endpoint's secret. */
export const SIGNATURE_HEADER = 'x-das-signature';
/** Unix seconds when the request was signed; part of what is signed, so a replay is detectable. */
export const TIMESTAMP_HEADER = 'x-das-timestamp';
/** The delivery id: the same on every retry, so a receiver can drop duplicates. */
export const DELIVERY_HEADER = 'x-das-delivery';
/** 1 for the first attempt. */
export const ATTEMPT_HEADER = 'x-das-attempt';

/** Signs a body the way the `X-DAS-Signature` header carries it. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Why a signature was refused. */
export type SignatureRefusal = 'MISSING' | 'MALFORMED' | 'MISMATCH' | 'EXPIRED';

export interface VerifySignatureInput {
  /** The endpoint secret; several while a secret is being rotated. */
  secret: string | readonly string[];
  /** The raw request body, exactly as received. */
  body: string;
  /** The `X-DAS-Timestamp` header. */
  timestamp: string | undefined;
  /** The `X-DAS-Signature` header. */
  signature: string | undefined;
  /** Largest accepted age (or clock skew) of the timestamp, in seconds (default 300). */
  toleranceSeconds?: number;
  now?: () => number;
}

/**
 * For receivers: checks that a request was signed with the secret (constant-time) and recently
 * (default 5 minutes), like Stripe's and Slack's schemes.
 */
export function verifySignature(input: VerifySignatureInput): { ok: true } | { ok: false; reason: SignatureRefusal } {
  const { body, timestamp, signature } = input;
  if (timestamp === undefined || signature === undefined || timestamp === '' || signature === '') return { ok: false, reason: 'MISSING' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'MALFORMED' };
  const seconds = Number(timestamp);
  const now = (input.now ?? Date.now)() / 1000;
  if (Math.abs(now - seconds) > (input.toleranceSeconds ?? 300)) return { ok: false, reason: 'EXPIRED' };
  const given = Buffer.from(signature, 'utf8');
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  for (const secret of secrets) {
    const expected = Buffer.from(signWebhook(secret, seconds, body), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { ok: true };
  }
  return { ok: false, reason: 'MISMATCH' };
}
