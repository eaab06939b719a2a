import { luaScript } from './runScript';

/**
 * Acknowledges entries of several streams for one group (the keys of one server, never of several
 * slots of a cluster). Every stream is tried; the first refusal (a key that is not a stream) is the reply, after
 * the others were acked. Returns how many entries were acked.
 * KEYS: streams; ARGV: group, then one id count per stream, then the ids of each stream in turn.
 */
export const ACK = luaScript(`
local group, acked, failed = ARGV[1], 0, nil
local first = #KEYS + 2
for i, key in ipairs(KEYS) do
  local last = first + tonumber(ARGV[i + 1]) - 1
  for from = first, last, 1000 do
    local reply = redis.pcall('XACK', key, group, unpack(ARGV, from, math.min(from + 999, last)))
    if type(reply) == 'table' and reply.err then failed = failed or reply else acked = acked + reply end
  end
  first = last + 1
end
if failed then return failed end
return acked
`);

/**
 * Sets the idle time of entries a consumer holds: 0 renews their lease, more hands them back (the
 * next claim walk takes them). Of the given ids, those in the consumer's own pending list get that
 * idle time (`XCLAIM … 0 … IDLE ms JUSTID`: no delivery counted); ids pending for another consumer
 * (taken over) or no longer pending are left alone. Returns how many were set.
 * KEYS[1] stream; ARGV: group, consumer, idleMs, ids...
 */
export const SET_IDLE = luaScript(`
local key, group, me, idle = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local held = {}
for i = 4, #ARGV do held[ARGV[i]] = true end
local mine, start = {}, '-'
while true do
  local page = redis.call('XPENDING', key, group, start, '+', 1000, me)
  for _, p in ipairs(page) do
    if held[p[1]] then mine[#mine + 1] = p[1] end
    start = '(' .. p[1]
  end
  if #page < 1000 then break end
end
for first = 1, #mine, 500 do
  local args = { key, group, me, 0 }
  for i = first, math.min(first + 499, #mine) do args[#args + 1] = mine[i] end
  args[#args + 1] = 'IDLE'
  args[#args + 1] = idle
  args[#args + 1] = 'JUSTID'
  redis.call('XCLAIM', unpack(args))
end
return #mine
`);

/**
 * Removes the named consumers that hold no pending entry from the group, in one atomic step
 * (`XGROUP DELCONSUMER` would drop a consumer's pending entries: one that holds any is kept).
 * Returns the names that held nothing (removed, or not in the group). KEYS[1] stream; ARGV: group, consumers...
 */
export const REMOVE_CONSUMERS = luaScript(`
local key, group = KEYS[1], ARGV[1]
local removed = {}
for i = 2, #ARGV do
  if #redis.call('XPENDING', key, group, '-', '+', 1, ARGV[i]) == 0 then
    redis.call('XGROUP', 'DELCONSUMER', key, group, ARGV[i])
    removed[#removed + 1] = ARGV[i]
  end
end
return removed
`);

/**
 * Removes the group's consumers that hold no pending entry and have been idle (no read, no claim)
 * for more than `idleMs`, except the names given, in one atomic step. Returns the names removed;
 * nothing when the stream or group is missing. KEYS[1] stream; ARGV: group, idleMs, kept names...
 */
export const EXPIRE_CONSUMERS = luaScript(`
local key, group, idle = KEYS[1], ARGV[1], tonumber(ARGV[2])
local keep = {}
for i = 3, #ARGV do keep[ARGV[i]] = true end
local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', key, group)
if not ok then return {} end
local removed = {}
for _, consumer in ipairs(consumers) do
  local info = {}
  for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
  if not keep[info.name] and info.pending == 0 and info.idle > idle then
    redis.call('XGROUP', 'DELCONSUMER', key, group, info.name)
    removed[#removed + 1] = info.name
  end
end
return removed
`);
