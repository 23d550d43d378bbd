// The addon that the build (tooling/native/build-addon.mjs) put in dist/native, loaded once per thread.
import { addonLoader } from '@das/native';

export interface P384Addon {
  /** r ‖ s from 144 random bytes (nonce ‖ blinding of the two inversions), or undefined: draw them again. */
  sign(secret: Buffer, digest: Buffer, random: Buffer): Buffer | undefined;
  /** x ‖ y of secret·G. */
  publicKey(secret: Buffer): Buffer;
}

const load = addonLoader<P384Addon>(import.meta.url, 'p384');

/** The addon, or undefined when it was not built or does not load here (see {@link nativeP384Status}). */
export function nativeP384(): P384Addon | undefined {
  return load().addon;
}

/** Whether the addon loaded, and if not, why (for logs and the bench). */
export function nativeP384Status(): { loaded: true } | { loaded: false; reason: string } {
  const { addon, failure } = load();
  return addon !== undefined ? { loaded: true } : { loaded: false, reason: failure };
}
