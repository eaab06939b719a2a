import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Takes over idle pending entries of a group in one atomic step and returns
 * `{ id, fields, deliveryCount }` triples. Walks the pending list page by page with an exclusive
 * cursor (not only its first page), skips entries whose stream entry was deleted, and scans at most
 * 1000 pending entries per call so the server is never blocked for long.
 * KEYS[1] stream; ARGV: group, consumer, minIdleMs, count, owner ('others' | 'self').
 */
export const CLAIM_IDLE_SCRIPT = `
local key, group, me, idle, budget, owner = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local out, start, scanned = {}, '-', 0
while #out < budget and scanned < 1000 do
  local page
  if owner == 'self' then
    page = redis.call('XPENDING', key, group, 'IDLE', idle, start, '+', 100, me)
  else
    page = redis.call('XPENDING', key, group, 'IDLE', idle, start, '+', 100)
  end
  for _, p in ipairs(page) do
    if owner == 'self' or p[2] ~= me then
      local claimed = redis.call('XCLAIM', key, group, me, idle, p[1])
      if claimed[1] and claimed[1][2] then
        out[#out + 1] = { claimed[1][1], claimed[1][2], p[4] + 1 }
        if #out >= budget then break end
      end
    end
    start = '(' .. p[1]
  end
  scanned = scanned + #page
  if #page < 100 then break end
end
return out
`;

const CLAIM_IDLE_SHA = createHash('sha1').update(CLAIM_IDLE_SCRIPT).digest('hex');

/** Runs {@link CLAIM_IDLE_SCRIPT} by its digest, loading it when the server does not have it yet. */
export async function runClaimIdle(client: Redis, key: string, args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await client.evalsha(CLAIM_IDLE_SHA, 1, key, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(CLAIM_IDLE_SCRIPT, 1, key, ...args);
  }
}
