import type { Redis } from 'ioredis';
import { DEAD_LETTER_SUFFIX } from '../../deadLetters/deadLetterFields';
import { parseCommand } from '../args';
import { json, Progress, table } from '../output';
import { withRedis, type Command } from './context';

export const STREAMS_USAGE = `Usage: rx-redis-events streams [--prefix <p>] [--json]

Lists the streams under the prefix (SCAN ... TYPE stream) with their length, groups and dead letters
(dead-letter streams are counted, not listed; partitions are summed into their stream).`;

/** One row of `streams`. */
interface StreamRow {
  stream: string;
  length: number;
  groups: string[];
  deadLetters: number;
}

/** `streams`: lists the streams under the prefix. */
export const streams: Command = async ({ args, env, io }) => {
  const { values } = parseCommand(args, {}, STREAMS_USAGE);
  if (values.help) return void io.out.write(`${STREAMS_USAGE}\n`), 0;
  const rows = await withRedis(values, env, io, async (redis, { prefix }) => {
    const keys = await scanStreams(redis, prefix, new Progress(io.err, 'scanned keys'));
    return describeKeys(redis, prefix, keys);
  });
  if (values.json) io.out.write(`${json(rows)}\n`);
  else io.out.write(table(['STREAM', 'LENGTH', 'GROUPS', 'DEAD LETTERS'], rows.map((row) => [row.stream, String(row.length), row.groups.join(',') || '-', String(row.deadLetters)])));
  return 0;
};

/** Stream keys under `prefix`, sorted; progress after each SCAN page when there are many (also used by `dashboard`). */
export async function scanStreams(redis: Redis, prefix: string, progress?: Progress): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  let pages = 0;
  do {
    const [next, page] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000, 'TYPE', 'stream');
    for (const key of page) keys.add(key);
    cursor = next;
    if (++pages > 1) progress?.update(keys.size);
  } while (cursor !== '0');
  progress?.done();
  return [...keys].sort();
}

async function describeKeys(redis: Redis, prefix: string, keys: readonly string[]): Promise<StreamRow[]> {
  const rows = new Map<string, StreamRow>();
  const row = (stream: string) => rows.get(stream) ?? rows.set(stream, { stream, length: 0, groups: [], deadLetters: 0 }).get(stream)!;
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.xlen(key).xinfo('GROUPS', key);
  const replies = (await pipeline.exec()) ?? [];
  for (const [index, key] of keys.entries()) {
    const [[lengthError, length] = [null, 0], [groupsError, groups] = [null, []]] = [replies[2 * index], replies[2 * index + 1]];
    if (lengthError) throw lengthError;
    const deadLetters = key.endsWith(DEAD_LETTER_SUFFIX);
    const target = row(streamNameOf(key.slice(prefix.length, deadLetters ? -DEAD_LETTER_SUFFIX.length : undefined)));
    if (deadLetters) {
      target.deadLetters += Number(length);
      continue;
    }
    target.length += Number(length);
    if (!groupsError) target.groups = [...new Set([...target.groups, ...(groups as unknown[][]).map((group) => String(group[group.indexOf('name') + 1]))])].sort();
  }
  return [...rows.values()].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

/** The stream a key belongs to: without a trailing hash-tag segment (`:{<tag>}`: a partition's, or a dead-letter stream's slot tag). */
export function streamNameOf(name: string): string {
  return name.replace(/:\{[^{}]*\}$/, '');
}

/** Escapes glob characters so that the prefix matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
