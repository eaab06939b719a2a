import type { Redis } from 'ioredis';

/**
 * Every command the library sends, as ACL rules: stream commands (also those its Lua scripts call,
 * which Redis checks against the calling user), scripting by `EVAL`/`EVALSHA` (never `SCRIPT LOAD`),
 * the producer memories of the append script (`HGET`/`HSET`/`HDEL`), `WAIT` for `durability`, pub/sub, `CLIENT ID`/`CLIENT UNBLOCK` for the blocking reader, `XINFO STREAM`/`CONSUMERS` for `describe` and group hygiene, `XGROUP DELCONSUMER` for group hygiene, `XGROUP SETID`/`DESTROY` for `moveGroup`/`removeGroup`, and `INFO` for ioredis' ready check.
 * AUTH, HELLO and QUIT need no rule. No `CLIENT SETINFO`: the library's connections are made with
 * ioredis' `disableClientInfo` (Redis 7.2+ would refuse it to this user, and 7.0 rejects the rule).
 */
export const LIBRARY_COMMANDS = [
  '+xadd', '+xreadgroup', '+xack', '+xclaim', '+xpending', '+xrange', '+xrevrange', '+xdel', '+xlen', '+xtrim', '+xgroup|create', '+xgroup|delconsumer', '+xgroup|setid', '+xgroup|destroy', '+xinfo|groups', '+xinfo|stream', '+xinfo|consumers',
  '+eval', '+evalsha',
  '+zadd', '+zrem', '+zrange', '+zremrangebyscore', '+get', '+set', '+del', '+pexpire', '+time',
  '+hget', '+hset', '+hdel',
  // scheduled events: the move script, describe and scheduled (with ZADD, ZREM, ZRANGE, HGET, HSET, HDEL, TIME)
  '+zrangebyscore', '+zcard', '+hmget',
  '+wait',
  '+publish', '+subscribe', '+unsubscribe',
  '+client|id', '+client|unblock',
  '+info',
] as const;

/** Who the ACL user is and what it may touch. */
export interface AclUser {
  readonly user: string;
  readonly password: string;
  /** The service's `prefix`: the user gets its keys (`~<prefix>*`) and channels (`&<prefix>*`) only. */
  readonly prefix: string;
}

/** The user of the `ACL SETUSER` line in the Security guide (`docs/security.md`), which the ACL conformance run uses. */
export const DOCUMENTED_ACL_USER: AclUser = { user: 'orders-service', password: 'change-me', prefix: 'orders:' };

/** The arguments of the least-privilege `ACL SETUSER` for a service (what the Security guide documents). */
export function aclSetUserArguments({ user, password, prefix }: AclUser): string[] {
  return [user, 'reset', 'on', `>${password}`, `~${prefix}*`, `&${prefix}*`, '-@all', ...LIBRARY_COMMANDS];
}

/** The command line as a user types it in `redis-cli`. */
export function aclSetUserLine(acl: AclUser): string {
  return ['ACL', 'SETUSER', ...aclSetUserArguments(acl)].join(' ');
}

/** Creates (or replaces) the user through `admin`; resolves with the URL that logs in as it. */
export async function createAclUser(admin: Redis, acl: AclUser, serverUrl: string): Promise<string> {
  await admin.call('ACL', 'SETUSER', ...aclSetUserArguments(acl));
  const url = new URL(serverUrl);
  url.username = acl.user;
  url.password = acl.password;
  return url.toString();
}
