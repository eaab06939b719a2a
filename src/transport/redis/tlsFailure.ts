/**
 * Node's codes for a server certificate the client does not accept: untrusted, expired, revoked,
 * or issued for another host. Reconnecting cannot fix any of them.
 */
const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED', 'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED',
  'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The TLS failure behind a connection error, as an error that names it, or `undefined` when the
 * error is something else (a refused or reset connection is worth reconnecting for; these are not):
 * the server's certificate is not accepted, or the handshake failed (`ERR_SSL_*`: for instance the
 * server refused the client's certificate, or the port does not speak TLS).
 */
export function tlsFailure(error: unknown): Error | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(UNTRUSTED_CERTIFICATE.has(code) || code.startsWith('ERR_SSL_'))) return undefined;
  const what = UNTRUSTED_CERTIFICATE.has(code) ? "the server's certificate is not accepted" : 'the handshake failed';
  return new Error(`TLS failure, not reconnecting: ${what}: ${(error as Error).message} (${code})`, { cause: error });
}
