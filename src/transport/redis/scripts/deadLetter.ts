import { DEAD_LETTER_FIELDS, ORIGINAL_PREFIX, TARGET_GROUP_FIELD } from '../../../codec/entryFields';
import { luaLiteral } from './luaLiteral';
import { luaScript } from './runScript';

/** The dead-letter layout's names as Lua literals, put into the scripts' source. */
const NAMES = {
  sourceId: luaLiteral(DEAD_LETTER_FIELDS.sourceId),
  group: luaLiteral(DEAD_LETTER_FIELDS.group),
  reason: luaLiteral(DEAD_LETTER_FIELDS.reason),
  error: luaLiteral(DEAD_LETTER_FIELDS.error),
  deliveryCount: luaLiteral(DEAD_LETTER_FIELDS.deliveryCount),
  original: luaLiteral(ORIGINAL_PREFIX),
  targetGroup: luaLiteral(TARGET_GROUP_FIELD),
};

/**
 * Moves one pending entry to the dead-letter stream and acks it, in one atomic step: the layout of
 * `toDeadLetterFields` (the original fields under {@link ORIGINAL_PREFIX}, with the
 * {@link DEAD_LETTER_FIELDS}). Returns 1, or 0 when the entry is no longer pending for the group (nothing changes).
 * KEYS[1] stream, KEYS[2] dead-letter stream; ARGV: group, id, reason, error, deliveryCount.
 */
export const DEAD_LETTER = luaScript(`
local key, dlq, group, id = KEYS[1], KEYS[2], ARGV[1], ARGV[2]
if not redis.call('XPENDING', key, group, id, id, 1)[1] then return 0 end
local fields = { ${NAMES.sourceId}, id, ${NAMES.group}, group, ${NAMES.reason}, ARGV[3], ${NAMES.error}, ARGV[4], ${NAMES.deliveryCount}, ARGV[5] }
local entry = redis.call('XRANGE', key, id, id)[1]
if entry then
  for i = 1, #entry[2], 2 do
    fields[#fields + 1] = ${NAMES.original} .. entry[2][i]
    fields[#fields + 1] = entry[2][i + 1]
  end
end
redis.call('XADD', dlq, '*', unpack(fields))
redis.call('XACK', key, group, id)
return 1
`);

/**
 * Puts one dead letter back on its source stream, addressed to the group it died in
 * ({@link TARGET_GROUP_FIELD}), and deletes it from the dead-letter stream, atomically: what
 * `toRedrivenFields` makes of it. Returns the new id, or false when the
 * dead letter does not exist or holds no original fields.
 * KEYS[1] stream, KEYS[2] dead-letter stream; ARGV: dead-letter id.
 */
export const REDRIVE = luaScript(`
local key, dlq, id = KEYS[1], KEYS[2], ARGV[1]
local entry = redis.call('XRANGE', dlq, id, id)[1]
if not entry then return false end
local original, target = ${NAMES.original}, ${NAMES.targetGroup}
local fields, group = {}, nil
for i = 1, #entry[2], 2 do
  local name, value = entry[2][i], entry[2][i + 1]
  if name == ${NAMES.group} then group = value
  elseif string.sub(name, 1, #original) == original and name ~= original .. target then
    fields[#fields + 1] = string.sub(name, #original + 1)
    fields[#fields + 1] = value
  end
end
if #fields == 0 then return false end
if group then
  fields[#fields + 1] = target
  fields[#fields + 1] = group
end
local newId = redis.call('XADD', key, '*', unpack(fields))
redis.call('XDEL', dlq, id)
return newId
`);
