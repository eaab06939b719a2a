/** Most entries one append script adds; bigger batches are split into several calls on one pipeline. */
export const APPEND_CHUNK = 1000;

/**
 * Adds many entries in one call (one command for the client to build and parse, one round trip),
 * in order, and returns their ids. Sent with `EVAL` (the source, not a digest): a server that lacks
 * the script must never fail a chunk that would then be re-sent behind later appends.
 * ARGV holds, per entry, its number of fields and then its field/value pairs. KEYS[1] stream.
 */
export const APPEND_SOURCE = `
local key, ids, i = KEYS[1], {}, 1
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local fields = {}
  for j = 1, 2 * n do fields[j] = ARGV[i + j] end
  ids[#ids + 1] = redis.call('XADD', key, '*', unpack(fields))
  i = i + 2 * n + 1
end
return ids
`;

/** The ARGV of {@link APPEND_SOURCE} for some entries. */
export function appendArguments(entries: readonly Readonly<Record<string, string>>[]): string[] {
  const args: string[] = [];
  for (const fields of entries) {
    const names = Object.keys(fields);
    args.push(String(names.length));
    for (const name of names) args.push(name, fields[name] as string);
  }
  return args;
}
