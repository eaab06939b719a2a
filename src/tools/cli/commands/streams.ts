import type { DiscoveredStream } from '../../../partitions/discoverStreams';
import type { RedisTools } from '../../../transport/redis/redisTools';
import { expectPositionals, parseCommand } from '../args';
import { escapesOn, json, Progress, table } from '../output';
import { withRedis, type Command } from './context';

export const STREAMS_USAGE = `Usage: rx-redis-events streams [--prefix <p>] [--json]

Lists the streams under the prefix (SCAN ... TYPE stream, on every master of a cluster) with their
length, groups and dead letters (dead-letter streams are counted, not listed; partitions are summed
into their stream, and PARTITIONS says how many it has).`;

/** One row of `streams`. */
interface StreamRow {
  stream: string;
  partitions: number;
  length: number;
  groups: string[];
  deadLetters: number;
}

/** `streams`: lists the streams under the prefix. */
export const streams: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, {}, STREAMS_USAGE);
  if (values.help) return void io.out.write(`${STREAMS_USAGE}\n`), 0;
  expectPositionals(positionals, 0, 'streams takes no arguments', STREAMS_USAGE);
  const rows = await withRedis(values, env, io, async (redis, { prefix }) => {
    const progress = new Progress(io.err, 'scanned keys', undefined, escapesOn(io.err, env));
    const found = await redis.findStreams(prefix, { onPage: (keys) => progress.update(keys) });
    progress.done();
    return Promise.all(found.map((stream) => rowOf(redis, stream)));
  });
  if (values.json) io.out.write(`${json(rows)}\n`);
  else io.out.write(table(['STREAM', 'PARTITIONS', 'LENGTH', 'GROUPS', 'DEAD LETTERS'], rows.map((row) => [row.stream, String(row.partitions), String(row.length), row.groups.join(',') || '-', String(row.deadLetters)])));
  return 0;
};

/** A stream's row: lengths summed over its partitions, group names of any partition. */
async function rowOf(redis: RedisTools, found: DiscoveredStream): Promise<StreamRow> {
  const { length, groups, deadLetters } = await redis.countsOf(found);
  return { stream: found.stream.name, partitions: found.stream.partitions, length, groups: [...groups], deadLetters };
}
