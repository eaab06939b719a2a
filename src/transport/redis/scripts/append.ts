/** Most entries one append script adds; bigger batches are split into several calls on one pipeline. */
export const APPEND_CHUNK = 1000;

/**
 * Adds many entries in one call (one command for the client to build and parse, one round trip), in
 * order, and returns their ids. Sent with `EVAL` (the source, not a digest): a server that lacks the
 * script must never fail a chunk that would then be re-sent behind later appends. KEYS[1] stream.
 * ARGV, when every entry has the same field names: their number n (at least 1), the n names, then the
 * n values of each entry in turn (names sent once per call; one and two fields, the usual shapes, need
 * no table per entry). Otherwise: 0, then per entry its number of fields and its name/value pairs.
 */
export const APPEND_SOURCE = `
local key, n = KEYS[1], tonumber(ARGV[1])
if not n or n < 0 then return redis.error_reply('ERR rx-redis-events append: bad arguments') end
local ids, m = {}, 0
if n == 0 then
  local i = 2
  while i <= #ARGV do
    local count = tonumber(ARGV[i])
    if not count or count < 1 then return redis.error_reply('ERR rx-redis-events append: an entry needs at least one field') end
    local fields = {}
    for j = 1, 2 * count do fields[j] = ARGV[i + j] end
    m = m + 1
    ids[m] = redis.call('XADD', key, '*', unpack(fields))
    i = i + 2 * count + 1
  end
elseif n == 1 then
  local a = ARGV[2]
  for i = 3, #ARGV do
    m = m + 1
    ids[m] = redis.call('XADD', key, '*', a, ARGV[i])
  end
elseif n == 2 then
  local a, b = ARGV[2], ARGV[3]
  for i = 4, #ARGV, 2 do
    m = m + 1
    ids[m] = redis.call('XADD', key, '*', a, ARGV[i], b, ARGV[i + 1])
  end
else
  local fields = {}
  for i = n + 2, #ARGV, n do
    for j = 1, n do
      fields[2 * j - 1] = ARGV[1 + j]
      fields[2 * j] = ARGV[i + j - 1]
    end
    m = m + 1
    ids[m] = redis.call('XADD', key, '*', unpack(fields))
  end
end
return ids
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
