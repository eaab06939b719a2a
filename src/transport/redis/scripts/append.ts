/** Most entries one append script adds; bigger batches are split into several calls on one pipeline. */
export const APPEND_CHUNK = 1000;

/** How many calls of one producer to one stream key the append script remembers. */
export const PRODUCER_MEMORY_CALLS = 64;
/** How long the append script remembers a producer's calls after its last one, in ms (10 minutes). */
export const PRODUCER_MEMORY_MS = 600_000;

/**
 * Adds the entries of one produce call (at most {@link APPEND_CHUNK}) in order, once, and returns
 * their ids. Sent with `EVAL` (the source, not a digest): a server that lacks the script must never
 * fail a chunk that would then be re-sent behind later appends. KEYS[1] is the stream; ARGV[1] the mode:
 *
 * - `p` (a producer's call): KEYS[2] the producer's memory of the stream (a hash), ARGV[2] the call's
 *   sequence number, ARGV[3] how long the memory lasts (ms), ARGV[4] how many calls it keeps. A
 *   sequence already in the memory appends nothing and answers the ids it got; otherwise the ids are
 *   remembered under it (first id, then index and id of each entry that starts a new millisecond: the
 *   ids between follow by sequence), the call `ARGV[4]` sequences earlier is forgotten, and the
 *   memory's time starts again.
 * - `k` (keyed entries): KEYS[2..] one idempotency record per entry, ARGV[2] the window (ms). An
 *   entry whose record exists is not appended and answers the record's id; otherwise its id is
 *   recorded for the window (so a later entry of the same call with the same key answers it too).
 *
 * The entries follow, from ARGV[5] (`p`) or ARGV[3] (`k`), as {@link appendCalls} lays them out.
 */
export const APPEND_SOURCE = `
local key, mode = KEYS[1], ARGV[1]
local memory, seq, window, o
if mode == 'p' then
  memory, seq, o = KEYS[2], ARGV[2], 4
  local done = redis.call('HGET', memory, seq)
  if done then
    local parts, ids = {}, {}
    for part in string.gmatch(done, '[^,]+') do parts[#parts + 1] = part end
    local r, ms, first, from = 2
    for i = 1, tonumber(parts[1]) do
      if i == 1 or tostring(i) == parts[r + 1] then
        if i > 1 then r = r + 2 end
        local id = parts[r]
        local dash = string.find(id, '-', 1, true)
        ms, first, from = string.sub(id, 1, dash), tonumber(string.sub(id, dash + 1)), i
      end
      ids[i] = ms .. tostring(first + i - from)
    end
    return ids
  end
elseif mode == 'k' then
  window, o = ARGV[2], 2
else
  return redis.error_reply('ERR rx-redis-events append: bad mode')
end
local n = tonumber(ARGV[o + 1])
if not n or n < 0 then return redis.error_reply('ERR rx-redis-events append: bad arguments') end
local ids, m = {}, 0
local put
if window then
  put = function(...)
    m = m + 1
    local record = KEYS[m + 1]
    local id = redis.call('GET', record)
    if not id then
      id = redis.call('XADD', key, '*', ...)
      redis.call('SET', record, id, 'PX', window)
    end
    ids[m] = id
  end
else
  put = function(...)
    m = m + 1
    ids[m] = redis.call('XADD', key, '*', ...)
  end
end
if n == 0 then
  local i = o + 2
  while i <= #ARGV do
    local count = tonumber(ARGV[i])
    if not count or count < 1 then return redis.error_reply('ERR rx-redis-events append: an entry needs at least one field') end
    local fields = {}
    for j = 1, 2 * count do fields[j] = ARGV[i + j] end
    put(unpack(fields))
    i = i + 2 * count + 1
  end
elseif n == 1 then
  local a = ARGV[o + 2]
  for i = o + 3, #ARGV do put(a, ARGV[i]) end
elseif n == 2 then
  local a, b = ARGV[o + 2], ARGV[o + 3]
  for i = o + 4, #ARGV, 2 do put(a, ARGV[i], b, ARGV[i + 1]) end
else
  local fields = {}
  for i = o + n + 2, #ARGV, n do
    for j = 1, n do
      fields[2 * j - 1] = ARGV[o + 1 + j]
      fields[2 * j] = ARGV[i + j - 1]
    end
    put(unpack(fields))
  end
end
if memory then
  local record = {m, ids[1]}
  for i = 2, m do
    local id = ids[i]
    if string.byte(id, -1) == 48 and string.byte(id, -2) == 45 then
      record[#record + 1] = i
      record[#record + 1] = id
    end
  end
  redis.call('HSET', memory, seq, table.concat(record, ','))
  redis.call('HDEL', memory, tostring(tonumber(seq) - tonumber(ARGV[4])))
  redis.call('PEXPIRE', memory, ARGV[3])
end
return ids
`;

/**
 * The append of a producer's call of one entry, the common case of a steady load: the part of
 * {@link APPEND_SOURCE}'s mode `p` that one entry needs, in a source about a seventh as long, so that
 * sending it with `EVAL` costs about what `EVALSHA` would (a client pays per byte of source, and the
 * server hashes every byte). It shares the producer's memory and its record (`1,<id>`) with
 * {@link APPEND_SOURCE}. KEYS[1] the stream, KEYS[2] the producer's memory; ARGV[1] the call's
 * sequence number, ARGV[2] how long the memory lasts (ms), ARGV[3] how many calls it keeps, then the
 * entry's field names and values. Answers the entry's id in a one-element list.
 */
export const APPEND_ONE_SOURCE = `
local memory, seq = KEYS[2], ARGV[1]
local done = redis.call('HGET', memory, seq)
if done then return {string.match(done, '^[^,]+,([^,]+)')} end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 4))
redis.call('HSET', memory, seq, '1,' .. id)
redis.call('HDEL', memory, tostring(tonumber(seq) - tonumber(ARGV[3])))
redis.call('PEXPIRE', memory, ARGV[2])
return {id}
`;

/**
 * The ARGV of each {@link APPEND_SOURCE} call that adds `entries` in order, at most
 * {@link APPEND_CHUNK} entries a call: a chunk whose entries share their field names (in the same
 * order) sends them once; a chunk of mixed entries lists each entry's fields.
 *
 * @throws TypeError for an entry without fields (a stream entry needs one).
 */
export function appendCalls(entries: readonly Readonly<Record<string, string>>[]): string[][] {
  const calls: string[][] = [];
  for (let start = 0; start < entries.length; start += APPEND_CHUNK) calls.push(chunkArguments(entries.slice(start, start + APPEND_CHUNK)));
  return calls;
}

function chunkArguments(entries: readonly Readonly<Record<string, string>>[]): string[] {
  const shapes = entries.map((fields) => Object.keys(fields));
  if (shapes.some((names) => names.length === 0)) throw new TypeError('rx-redis-events: a stream entry needs at least one field');
  const first = shapes[0] as string[];
  if (shapes.every((names) => sameNames(names, first))) {
    const args = [String(first.length), ...first];
    for (const fields of entries) for (const name of first) args.push(fields[name] as string);
    return args;
  }
  const args = ['0'];
  for (const [index, fields] of entries.entries()) {
    const names = shapes[index] as string[];
    args.push(String(names.length));
    for (const name of names) args.push(name, fields[name] as string);
  }
  return args;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
