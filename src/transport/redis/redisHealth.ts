import type { RedisClient } from './connect';
import type { ConnectionState, HealthWarning } from '../../health/ServiceHealth';
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

/** Reads `INFO server` and `CONFIG GET appendonly|save|maxmemory-policy` (one round trip) and turns them into warnings; a refused `CONFIG` is a warning, not a failure. */
export async function readServerWarnings(connection: RedisClient): Promise<HealthWarning[]> {
  const replies = (await connection.pipeline().info('server').config('GET', 'appendonly').config('GET', 'save').config('GET', 'maxmemory-policy').exec()) ?? [];
  const [info, appendonly, save, policy] = replies.map(([error, reply]) => (error ? undefined : reply));
  if (typeof info !== 'string') throw (replies[0]?.[0] as Error | null) ?? new Error('INFO server gave no reply');
  const settings: ServerSettings = {
    version: /redis_version:([^\r\n]+)/.exec(info)?.[1],
    config: appendonly && save && policy ? { appendonly: valueOf(appendonly), save: valueOf(save), maxmemoryPolicy: valueOf(policy) } : undefined,
  };
  return serverWarnings(settings);
}

/** The value of a one-parameter `CONFIG GET` reply (`[name, value]`). */
function valueOf(reply: unknown): string {
  return Array.isArray(reply) ? String(reply[1] ?? '') : '';
}
