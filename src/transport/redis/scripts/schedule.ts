import { SCHEDULE_WAKES_KEPT } from '../../../partitions/streamLayout';
import { luaLiteral } from './luaLiteral';
import { luaScript } from './runScript';

/**
 * How a scheduled entry is stored in the partition's entries hash: JSON with its fields as a flat
 * list of names and values (in order), and for a keyed event its idempotency record and window.
 */
export const STORED_ENTRY = { fields: 'f', record: 'r', windowMs: 'w' } as const;

/** The server's clock in ms, as the first lines of a script. */
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * Stores entries due at one moment. KEYS[1] the due set, KEYS[2] the entries hash, KEYS[3] the wake
 * stream; ARGV[1] `a` (ARGV[2] is the due time, ms since the epoch) or `d` (ARGV[2] is a delay from the
 * server's clock now); then pairs of schedule id and stored entry. When the due time comes before
 * every entry that was waiting, appends a wake (`w 1`, the stream trimmed to its last
 * {@link SCHEDULE_WAKES_KEPT}). Returns the due time and 1 when it woke (0 otherwise).
 */
export const SCHEDULE = luaScript(`${NOW}
local due = tonumber(ARGV[2])
if ARGV[1] == 'd' then due = now + due end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], due, ARGV[i])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
local earliest = 0
if first[2] == nil or due < tonumber(first[2]) then
  earliest = 1
  redis.call('XADD', KEYS[3], 'MAXLEN', ${SCHEDULE_WAKES_KEPT}, '*', 'w', '1')
end
return {due, earliest}
`);

/** Removes a waiting entry. KEYS[1] the due set, KEYS[2] the entries hash; ARGV[1] its schedule id. Returns 1 when it was waiting. */
export const UNSCHEDULE = luaScript(`
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return removed
`);

/**
 * Appends up to ARGV[1] entries due by the server's clock (score ≤ now), first due first, to the stream
 * and removes them: KEYS[1] the stream, KEYS[2] the due set, KEYS[3] the entries hash. A keyed entry
 * whose idempotency record exists is not appended (as at produce), else its id is recorded for its
 * window. Returns how many were moved and in how many ms the next waiting entry is due (-1: none).
 */
export const MOVE_DUE = luaScript(`${NOW}
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, id in ipairs(due) do
  local stored = redis.call('HGET', KEYS[3], id)
  if stored then
    local entry = cjson.decode(stored)
    local record = entry[${luaLiteral(STORED_ENTRY.record)}]
    if record then
      if not redis.call('GET', record) then
        local added = redis.call('XADD', KEYS[1], '*', unpack(entry[${luaLiteral(STORED_ENTRY.fields)}]))
        redis.call('SET', record, added, 'PX', string.format('%d', entry[${luaLiteral(STORED_ENTRY.windowMs)}]))
      end
    else
      redis.call('XADD', KEYS[1], '*', unpack(entry[${luaLiteral(STORED_ENTRY.fields)}]))
    end
  end
end
if #due > 0 then
  redis.call('ZREM', KEYS[2], unpack(due))
  redis.call('HDEL', KEYS[3], unpack(due))
end
local next = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local nextIn = -1
if next[2] ~= nil then nextIn = math.max(0, tonumber(next[2]) - now) end
return {#due, nextIn}
`);
