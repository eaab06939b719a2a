import type { RedisConnections } from './connect';
import { runScript, type LuaScript } from './scripts/runScript';

/** Runs `work` on the connections; what it throws becomes their `TransportError` for `operation` (naming the server while it cannot be reached). */
export function guarded<R>(connections: RedisConnections, operation: string, work: () => Promise<R>): Promise<R> {
  try {
    // one derived promise per call (this runs for every produce and ack), not an async function's two
    return work().catch((error: unknown) => {
      throw connections.transportError(operation, error);
    });
  } catch (error) {
    return Promise.reject(connections.transportError(operation, error));
  }
}

/** Runs `script` on the command connection, guarded as {@link guarded}. */
export function guardedScript(connections: RedisConnections, operation: string, script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  return guarded(connections, operation, () => runScript(connections.command, script, keys, args));
}
