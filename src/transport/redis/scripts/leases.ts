import { luaScript } from './runScript';

/**
 * Registers a member until the server's time plus a TTL, drops members whose time ran out, and
 * returns the live members. The set expires by itself when every member is gone.
 * KEYS[1] membership set; ARGV: member, ttlMs.
 */
export const HEARTBEAT = luaScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return redis.call('ZRANGE', KEYS[1], 0, -1)
`);

/**
 * Takes a lease that is free or already the owner's (renewing it). Returns 1 when the owner holds it.
 * KEYS[1] lease; ARGV: owner, ttlMs.
 */
export const ACQUIRE_LEASE = luaScript(`
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`);

/** Deletes a lease if the owner holds it. KEYS[1] lease; ARGV: owner. */
export const RELEASE_LEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
