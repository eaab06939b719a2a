import { luaScript } from './runScript';

/**
 * Moves one pending entry to the dead-letter stream and acks it, in one atomic step: the original
 * fields are copied under `o:<field>`, with `sid` (original id), `group`, `reason`, `error` and
 * `count`. Returns 1, or 0 when the entry is no longer pending for the group (nothing changes).
 * KEYS[1] stream, KEYS[2] dead-letter stream; ARGV: group, id, reason, error, deliveryCount.
 */
export const DEAD_LETTER = luaScript(`
local key, dlq, group, id = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
if not redis.call('XPENDING', key, group, id, id, 1)[1] then return 0 end
local fields = { 'sid', id, 'group', group, 'reason', ARGV[3], 'error', ARGV[4], 'count', ARGV[5] }
local entry = redis.call('XRANGE', key, id, id)[1]
if entry then
  for i = 1, #entry[2], 2 do
    fields[#fields + 1] = 'o:' .. entry[2][i]
    fields[#fields + 1] = entry[2][i + 1]
  end
end
redis.call('XADD', dlq, '*', unpack(fields))
redis.call('XACK', key, group, id)
return 1
`);

/**
 * Puts one dead letter back on its source stream, addressed to the group it died in (field `g`),
 * and deletes it from the dead-letter stream, atomically. Returns the new id, or false when the
 * dead letter does not exist or holds no original fields.
 * KEYS[1] stream, KEYS[2] dead-letter stream; ARGV: dead-letter id.
 */
export const REDRIVE = luaScript(`
local key, dlq, id = KEYS[1], KEYS[2], ARGV[1]
local entry = redis.call('XRANGE', dlq, id, id)[1]
if not entry then return false end
local fields, group = {}, nil
for i = 1, #entry[2], 2 do
  local name, value = entry[2][i], entry[2][i + 1]
  if name == 'group' then group = value
  elseif string.sub(name, 1, 2) == 'o:' and name ~= 'o:g' then
    fields[#fields + 1] = string.sub(name, 3)
    fields[#fields + 1] = value
  end
end
if #fields == 0 then return false end
if group then
  fields[#fields + 1] = 'g'
  fields[#fields + 1] = group
end
local newId = redis.call('XADD', key, '*', unpack(fields))
redis.call('XDEL', dlq, id)
return newId
`);
