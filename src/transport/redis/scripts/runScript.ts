import { createHash } from 'node:crypto';
import type { RedisClient } from '../connect';
import { isRedisReply } from '../redisErrors';

/** A Lua script run by its digest (`EVALSHA`), loaded with `EVAL` the first time a server lacks it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** Wraps Lua source as a {@link LuaScript}. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Runs `script` with `keys` and `args`; every key must hash to the same slot. */
export async function runScript(client: RedisClient, script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    // a cluster client reports it after following redirections: "Too many Cluster redirections. Last error: NOSCRIPT ..." (a new master after a failover)
    if (!isRedisReply(error, 'NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}
