import { luaScript } from './runScript';

/**
 * Takes over this consumer's own pending entries (after a restart under the same consumer name),
 * returning `{ id, fields, deliveryCount }` triples. Scans at most 1000 pending entries per call.
 * KEYS[1] stream; ARGV: group, consumer, count.
 */
export const CLAIM_OWN = luaScript(`
local key, group, me, budget = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local out, start, scanned = {}, '-', 0
while #out < budget and scanned < 1000 do
  local page = redis.call('XPENDING', key, group, 'IDLE', 0, start, '+', 100, me)
  for _, p in ipairs(page) do
    local claimed = redis.call('XCLAIM', key, group, me, 0, p[1])
    if claimed[1] and claimed[1][2] then
      out[#out + 1] = { claimed[1][1], claimed[1][2], p[4] + 1 }
      if #out >= budget then break end
    end
    start = '(' .. p[1]
  end
  scanned = scanned + #page
  if #page < 100 then break end
end
return out
`);

/**
 * One step of a walk over the whole pending list of a group: from `cursor` on, entries idle for at
 * least `minIdle` are taken over with `XCLAIM` and returned with their new delivery counts: other
 * consumers' entries, and this consumer's own that it is not holding (a read whose reply was lost
 * on a broken connection). Unlike `XAUTOCLAIM`, it skips every entry the consumer holds (given as
 * extra arguments), whoever owns it now, unless it was delivered `maxDeliveries` times already (a
 * handler stuck everywhere must not wedge it: the taker dead-letters it), and reports delivery
 * counts. Scans at most 1000 pending entries per call.
 * Returns `{ nextCursor, { { id, fields, deliveryCount }... } }`; `0-0` means the walk is complete.
 * KEYS[1] stream; ARGV: group, consumer, minIdleMs, cursor, count, maxDeliveries, held ids...
 */
export const CLAIM_IDLE = luaScript(`
local key, group, me, idle, cursor, budget, maxDeliveries = KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local out, scanned, holding = {}, 0, {}
for i = 7, #ARGV do holding[ARGV[i]] = true end
while scanned < 1000 do
  local start = '-'
  if cursor ~= '0-0' then start = '(' .. cursor end
  local page = redis.call('XPENDING', key, group, 'IDLE', idle, start, '+', 100)
  for _, p in ipairs(page) do
    if #out >= budget then return { cursor, out } end
    if not holding[p[1]] or p[4] >= maxDeliveries then
      local claimed = redis.call('XCLAIM', key, group, me, idle, p[1])
      if claimed[1] and claimed[1][2] then out[#out + 1] = { claimed[1][1], claimed[1][2], p[4] + 1 } end
    end
    cursor = p[1]
  end
  scanned = scanned + #page
  if #page < 100 then return { '0-0', out } end
end
return { cursor, out }
`);

/**
 * Takes back entries this consumer nacked, for their redelivery: only those still pending for it
 * (not acked, not taken over by another consumer meanwhile), with their real new delivery counts.
 * KEYS[1] stream; ARGV: group, consumer, ids...
 */
export const CLAIM_MINE = luaScript(`
local key, group, me = KEYS[1], ARGV[1], ARGV[2]
local out = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', key, group, ARGV[i], ARGV[i], 1)[1]
  if p and p[2] == me then
    local claimed = redis.call('XCLAIM', key, group, me, 0, ARGV[i])
    if claimed[1] and claimed[1][2] then out[#out + 1] = { claimed[1][1], claimed[1][2], p[4] + 1 } end
  end
end
return out
`);
