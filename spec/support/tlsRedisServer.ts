import { connect } from 'node:tls';
import type { RedisListener } from './redisServer';
import type { TlsFiles } from './tlsFiles';

/**
 * A TLS-only listener (`--port 0 --tls-port <port>`) with the server certificate of `files`. Clients
 * must present a certificate signed by its CA when `authClients` is `yes` (the probe presents `files.client`).
 */
export function tlsListener(files: TlsFiles, authClients: 'yes' | 'no' = 'yes'): RedisListener {
  return {
    scheme: 'rediss',
    args: (port) => [
      '--port', '0', '--tls-port', String(port),
      '--tls-cert-file', files.server.certFile, '--tls-key-file', files.server.keyFile, '--tls-ca-cert-file', files.ca.certFile,
      '--tls-auth-clients', authClients,
    ],
    connect: (host, port, ready) => connect({ host, port, ca: files.ca.cert, cert: files.client.cert, key: files.client.key }).once('secureConnect', ready),
  };
}
