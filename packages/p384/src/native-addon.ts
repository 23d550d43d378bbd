// Loads the addon that the build (tooling/native/build-addon.mjs) put in dist/native, once per thread.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface P384Addon {
  /** r ‖ s from 144 random bytes (nonce ‖ blinding of the two inversions), or undefined: draw them again. */
  sign(secret: Buffer, digest: Buffer, random: Buffer): Buffer | undefined;
  /** x ‖ y of secret·G. */
  publicKey(secret: Buffer): Buffer;
}

let addon: P384Addon | undefined;
let failure: string | undefined;

/** The addon, or undefined when it was not built or does not load here (see {@link nativeP384Status}). */
export function nativeP384(): P384Addon | undefined {
  if (addon !== undefined || failure !== undefined) return addon;
  try {
    // From src/ (tests) and dist/ alike: ../dist/native is the built addon.
    const require = createRequire(import.meta.url);
    addon = require(fileURLToPath(new URL('../dist/native/p384.node', import.meta.url))) as P384Addon;
  } catch (error) {
    failure = (error as Error).message;
  }
  return addon;
}

/** Whether the addon loaded, and if not, why (for logs and the bench). */
export function nativeP384Status(): { loaded: true } | { loaded: false; reason: string } {
  return nativeP384() !== undefined ? { loaded: true } : { loaded: false, reason: failure ?? 'not loaded' };
}
