import type { Redis } from 'ioredis';
import type { ServerAddress } from '../StreamTransport';
import type { RedisConnections } from './connect';

/**
 * The server the commands on `key` go to: the one server's host and port (or its Unix socket
 * path), or on a cluster the master that serves the key's slot now (`undefined` before the client
 * knows the slot map).
 */
export function serverAddressOf(connections: RedisConnections, key: string): ServerAddress | undefined {
  if (!connections.cluster) {
    const { host, port, path } = (connections.command as Redis).options;
    if (path) return { address: path };
    return host ? { address: host, port } : undefined;
  }
  const node = connections.nodeOf(key);
  const at = node.lastIndexOf(':');
  const port = Number(node.slice(at + 1));
  return at > 0 && Number.isInteger(port) ? { address: node.slice(0, at), port } : undefined;
}
