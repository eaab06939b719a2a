import { luaScript } from './runScript';

/**
 * Trims a stream by its retention limits without removing anything a group still needs: the bound
 * is the smallest of every group's oldest pending id and the id after its last-delivered id, unless
 * `unsafe` is set. Removes at most `scan` entries per call (what the length limit allows is found by
 * scanning from the oldest entry), with an exact `XTRIM MINID`, which never removes an id at or above its
 * threshold. Returns the number of entries removed.
 * KEYS[1] stream; ARGV: maxLength ('' for none), minimum id kept by age ('' for none), unsafe ('1'/'0'), scan.
 */
export const TRIM = luaScript(`
local key, maxLength, ageBound, unsafe, scan = KEYS[1], ARGV[1], ARGV[2], ARGV[3] == '1', tonumber(ARGV[4])
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return { tonumber(ms), tonumber(seq) }
end
local function less(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2]) end
local first = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)[1]
if not first then return 0 end
local bound = nil
if not unsafe then
  for _, info in ipairs(redis.call('XINFO', 'GROUPS', key)) do
    local group = {}
    for i = 1, #info, 2 do group[info[i]] = info[i + 1] end
    local last = parse(group['last-delivered-id'])
    local needed = { last[1], last[2] + 1 }
    -- a group moved to a moment sits at <ms>-<largest sequence>: it needs the entries from <ms + 1>-0
    if last[2] >= 9007199254740992 then needed = { last[1] + 1, 0 } end
    if tonumber(group['pending']) > 0 then
      local oldest = parse(redis.call('XPENDING', key, group['name'])[2])
      if less(oldest, needed) then needed = oldest end
    end
    if bound == nil or less(needed, bound) then bound = needed end
  end
  if bound ~= nil and not less(parse(first[1]), bound) then return 0 end
end
local limit = nil
if ageBound ~= '' then limit = parse(ageBound) end
if maxLength ~= '' then
  local excess = redis.call('XLEN', key) - tonumber(maxLength)
  if excess > 0 then
    local window = redis.call('XRANGE', key, '-', '+', 'COUNT', math.min(excess, scan))
    local newest = parse(window[#window][1])
    local byLength = { newest[1], newest[2] + 1 }
    if limit == nil or less(limit, byLength) then limit = byLength end
  end
end
if limit == nil then return 0 end
if bound ~= nil and less(bound, limit) then limit = bound end
return redis.call('XTRIM', key, 'MINID', limit[1] .. '-' .. limit[2])
`);
