import { tlsFailure } from '../../../src/transport/redis/tlsFailure';

const failing = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('redis transport - tlsFailure', () => {
  it('tlsFailure - names a certificate the client does not accept, keeping the original as cause', () => {
    const error = failing('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames");
    const failure = tlsFailure(error);
    expect(failure?.message).toBe("TLS failure, not reconnecting: the server's certificate is not accepted: Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID)");
    expect(failure?.cause).toBe(error);
  });

  it('tlsFailure - names a failed handshake', () => {
    expect(tlsFailure(failing('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'))?.message).toBe('TLS failure, not reconnecting: the handshake failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)');
  });

  it('tlsFailure - leaves errors worth reconnecting for alone', () => {
    expect([failing('ECONNREFUSED', 'refused'), failing('ECONNRESET', 'reset'), new Error('Connection is closed.'), undefined, 'text'].map(tlsFailure)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
