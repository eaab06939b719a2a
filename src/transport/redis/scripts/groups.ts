import { luaScript } from './runScript';

/** Most entries the group scripts count after a position to tell Redis how many the group has read. */
export const ENTRIES_READ_COUNT_LIMIT = 10_000;

/**
 * Creates a group at a position (`create`, with `MKSTREAM`; a group that exists is left alone) or moves
 * an existing one there (`move`, `XGROUP SETID`; its pending entries stay pending). Where the position
 * is neither the stream's start (`0`) nor its end (`$`), Redis 7 cannot tell the group's lag until it
 * reads up to the end: the script counts the entries after the position (at most `limit`, by pages) and
 * sets `ENTRIESREAD` to the stream's entries-added minus that count, so that `XINFO GROUPS` shows the
 * lag at once. Beyond `limit`, or on a server without entries-added (before 7.0), it leaves Redis' own
 * estimate. Returns 1 when it created or moved the group, 0 when `create` found it already there, -1
 * when `move` found no such group (or no stream).
 * KEYS[1] stream; ARGV: group, 'create' or 'move', position ('0', '$' or an id), limit.
 */
export const GROUP_AT = luaScript(`
local key, group, mode, at, limit = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
if mode == 'create' then
  local created = redis.pcall('XGROUP', 'CREATE', key, group, at, 'MKSTREAM')
  if type(created) == 'table' and created.err then
    if string.sub(created.err, 1, 9) == 'BUSYGROUP' then return 0 end
    return created
  end
else
  local moved = redis.pcall('XGROUP', 'SETID', key, group, at)
  if type(moved) == 'table' and moved.err then
    if string.sub(moved.err, 1, 7) == 'NOGROUP' or string.find(moved.err, 'requires the key to exist', 1, true) then return -1 end
    return moved
  end
end
if at == '0' or at == '$' then return 1 end
local added = nil
local info = redis.call('XINFO', 'STREAM', key)
for i = 1, #info, 2 do
  if info[i] == 'entries-added' then added = tonumber(info[i + 1]) end
end
if added == nil then return 1 end
local after, start = 0, '(' .. at
while after <= limit do
  local page = redis.call('XRANGE', key, start, '+', 'COUNT', 1000)
  after = after + #page
  if #page < 1000 then
    redis.call('XGROUP', 'SETID', key, group, at, 'ENTRIESREAD', added - after)
    return 1
  end
  start = '(' .. page[#page][1]
end
return 1
`);

/**
 * Destroys a group (`XGROUP DESTROY`), with its pending entries and consumers. Returns 1 when it
 * existed, 0 when the stream has no such group (or there is no stream).
 * KEYS[1] stream; ARGV: group.
 */
export const REMOVE_GROUP = luaScript(`
local destroyed = redis.pcall('XGROUP', 'DESTROY', KEYS[1], ARGV[1])
if type(destroyed) == 'table' and destroyed.err then
  if string.find(destroyed.err, 'requires the key to exist', 1, true) then return 0 end
  return destroyed
end
return destroyed
`);
