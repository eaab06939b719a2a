import type { RedisClient } from './connect';
import type { ConnectionState, ServerReport } from '../../health/ServiceHealth';
import { serverWarnings, type ServerSettings } from '../../health/serverWarnings';

/** The command connection's state, from ioredis' `status`. */
export function connectionState(connection: RedisClient): ConnectionState {
  switch (connection.status) {
    case 'ready':
      return 'ready';
    case 'reconnecting':
      return 'reconnecting';
    case 'wait':
    case 'connecting':
    case 'connect':
      return 'connecting';
    default:
      return 'closed';
  }
}

/**
 * Reads `INFO server` and `CONFIG GET appendonly|save|maxmemory-policy` (one round trip): the server's
 * name and version, and warnings; a refused `CONFIG` is a warning, not a failure.
 */
export async function readServerReport(connection: RedisClient): Promise<ServerReport> {
  const replies = (await connection.pipeline().info('server').config('GET', 'appendonly').config('GET', 'save').config('GET', 'maxmemory-policy').exec()) ?? [];
  const [info, appendonly, save, policy] = replies.map(([error, reply]) => (error ? undefined : reply));
  if (typeof info !== 'string') throw (replies[0]?.[0] as Error | null) ?? new Error('INFO server gave no reply');
  const settings: ServerSettings = {
    version: /redis_version:([^\r\n]+)/.exec(info)?.[1],
    config: appendonly && save && policy ? { appendonly: valueOf(appendonly), save: valueOf(save), maxmemoryPolicy: valueOf(policy) } : undefined,
  };
  return { server: serverName(info), warnings: serverWarnings(settings) };
}

/** `redis 8.6.3`, `valkey 9.1.2`: `INFO server`'s `server_name` (Valkey; Redis has none) and that product's own version field. */
function serverName(info: string): string | undefined {
  const name = /^server_name:([^\r\n]+)/m.exec(info)?.[1] ?? 'redis';
  const version = new RegExp(`^${name}_version:([^\\r\\n]+)`, 'm').exec(info)?.[1] ?? /^redis_version:([^\r\n]+)/m.exec(info)?.[1];
  return version === undefined ? name : `${name} ${version}`;
}

/** The value of a one-parameter `CONFIG GET` reply (`[name, value]`). */
function valueOf(reply: unknown): string {
  return Array.isArray(reply) ? String(reply[1] ?? '') : '';
}
