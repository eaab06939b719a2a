/** Most entries one append script adds; bigger batches are split into several calls on one pipeline. */
export const APPEND_CHUNK = 1000;

/**
 * Adds many entries that share their field names in one call (one command for the client to build and
 * parse, one round trip), in order, and returns their ids. Sent with `EVAL` (the source, not a digest):
 * a server that lacks the script must never fail a chunk that would then be re-sent behind later appends.
 * KEYS[1] stream. ARGV: the number of fields n, the n field names, then the n values of each entry in
 * turn (the names are sent once per call, not once per entry; one and two fields, the usual shapes,
 * need no table per entry).
 */
export const APPEND_SOURCE = `
local key, n = KEYS[1], tonumber(ARGV[1])
if not n or n < 1 then return redis.error_reply('ERR rx-redis-events append: an entry needs at least one field') end
local ids, m = {}, 0
if n == 1 then
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
 * The ARGV of each {@link APPEND_SOURCE} call that adds `entries` in order: consecutive entries with
 * the same field names (in the same order) share a call, of at most {@link APPEND_CHUNK} entries.
 *
 * @throws TypeError for an entry without fields (a stream entry needs one).
 */
export function appendCalls(entries: readonly Readonly<Record<string, string>>[]): string[][] {
  const calls: string[][] = [];
  let names: string[] = [];
  let args: string[] = [];
  let inCall = 0;
  for (const fields of entries) {
    const own = Object.keys(fields);
    if (own.length === 0) throw new TypeError('rx-redis-events: a stream entry needs at least one field');
    if (inCall === 0 || inCall === APPEND_CHUNK || !sameNames(own, names)) {
      names = own;
      args = [String(own.length), ...own];
      calls.push(args);
      inCall = 0;
    }
    for (const name of names) args.push(fields[name] as string);
    inCall++;
  }
  return calls;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
