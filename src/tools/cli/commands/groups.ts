import type { StreamDescription } from '../../../describe/StreamDescription';
import { expectPositionals, parseCommand } from '../args';
import { json, table } from '../output';
import { existingStream, streamNamed, withRedis, type Command } from './context';

export const GROUPS_USAGE = `Usage: rx-redis-events groups <stream> [--prefix <p>] [--json]

Lists the stream's consumer groups, summed over its partitions: lag (events not yet delivered to
the group; ? when Redis cannot tell), pending (delivered, not acked) and consumers (by name). Move or
remove one with rx-redis-events group move|remove.`;

/** One row of `groups`. */
interface GroupRow {
  readonly group: string;
  readonly lag: number | undefined;
  readonly pending: number;
  readonly consumers: string[];
}

/** `groups <stream>`: each group with its lag, pending count and consumers, from `EventService.describe`. */
export const groups: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, {}, GROUPS_USAGE);
  if (values.help) return void io.out.write(`${GROUPS_USAGE}\n`), 0;
  expectPositionals(positionals, 1, 'groups takes one stream name', GROUPS_USAGE);
  const name = streamNamed(positionals[0] as string, GROUPS_USAGE).name;
  const description = await withRedis(values, env, io, async (redis, { prefix }, service) => service().describe((await existingStream(redis, prefix, name)).stream));
  const rows = rowsOf(description);
  if (values.json) io.out.write(`${json(rows)}\n`);
  else if (rows.length === 0) io.out.write(`no groups on ${name}\n`);
  else io.out.write(table(['GROUP', 'LAG', 'PENDING', 'CONSUMERS'], rows.map((row) => [row.group, row.lag === undefined ? '?' : String(row.lag), String(row.pending), row.consumers.join(',') || '-'])));
  return 0;
};

/** The groups, sorted by name, each consumer named once (a consumer of several partitions is listed in each). */
function rowsOf(description: StreamDescription): GroupRow[] {
  return description.groups
    .map((group) => ({ group: group.name, lag: group.lag, pending: group.pending, consumers: [...new Set(group.consumers.map((consumer) => consumer.name))].sort() }))
    .sort((a, b) => a.group.localeCompare(b.group));
}
