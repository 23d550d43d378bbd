import type { IncomingHttpHeaders } from 'node:http';

/**
 * The service named in a SigV4 credential scope (`Credential=AKID/20240101/us-east-1/kms/aws4_request`),
 * from the Authorization header or a presigned query. Signatures are not verified: the emulator
 * accepts any credentials.
 */
export function credentialScopeService(headers: IncomingHttpHeaders, url: string): string | undefined {
  const authorization = headers['authorization'];
  const fromHeader = typeof authorization === 'string' ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : undefined;
  const credential = fromHeader ?? presignedCredential(url);
  if (!credential) return undefined;
  const parts = credential.split('/');
  return parts.length >= 5 ? parts[parts.length - 2]?.toLowerCase() : undefined;
}

function presignedCredential(url: string): string | undefined {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return undefined;
  return new URLSearchParams(url.slice(queryStart + 1)).get('X-Amz-Credential') ?? undefined;
}
