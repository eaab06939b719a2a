import type { StreamDescription } from '../../../describe/StreamDescription';
import { expectPositionals, parseCommand } from '../args';
import { duration, fields, json, table } from '../output';
import { existingStream, streamNamed, withRedis, type Command } from './context';

export const DESCRIBE_USAGE = `Usage: rx-redis-events describe <stream> [--prefix <p>] [--json]

Prints the stream's length, first and last ids, dead letters, and per group: consumers, pending,
lag (not yet delivered), last delivered id, age of the oldest pending entry and dead letters; for a
partitioned stream (found from its keys), the sums over its partitions and their count. A stream
with no key under the prefix is an error (exit 1).`;

/** `describe <stream>`: what `EventService.describe` reports, as tables. */
export const describe: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, {}, DESCRIBE_USAGE);
  if (values.help) return void io.out.write(`${DESCRIBE_USAGE}\n`), 0;
  expectPositionals(positionals, 1, 'describe takes one stream name', DESCRIBE_USAGE);
  const name = streamNamed(positionals[0] as string, DESCRIBE_USAGE).name;
  const description = await withRedis(values, env, io, async (redis, { prefix }, service) => service().describe((await existingStream(redis, prefix, name)).stream));
  io.out.write(values.json ? `${json(description)}\n` : render(description));
  return 0;
};

/** The consumer column of a group that has none (a group that is created, or whose consumers were all removed). */
const NO_CONSUMERS = '(no consumers)';

/** The description as a summary, a table of groups and a table of consumers. */
export function render(description: StreamDescription): string {
  const { retention } = description;
  const limits = retention ? [retention.maxLength === undefined ? '' : `maxLength ${retention.maxLength}`, retention.maxAge === undefined ? '' : `maxAge ${retention.maxAge}ms`].filter(Boolean).join(', ') : '';
  const summary = fields([
    ['stream', description.stream],
    ...(description.partitions.length > 1 ? [['partitions', String(description.partitions.length)] as const] : []),
    ['length', String(description.length)],
    ['first id', description.firstId ?? '-'],
    ['last id', description.lastId ?? '-'],
    ...(limits ? [['retention', limits] as const] : []),
    ['dead letters', String(description.deadLetters)],
  ]);
  if (description.groups.length === 0) return `${summary}\nno groups\n`;
  const groups = table(
    ['GROUP', 'CONSUMERS', 'PENDING', 'LAG', 'LAST DELIVERED', 'OLDEST PENDING', 'DEAD LETTERS'],
    description.groups.map((g) => [g.name, String(byName(g.consumers).length), String(g.pending), g.lag === undefined ? '?' : String(g.lag), g.lastDeliveredId, duration(g.oldestPendingAgeMs), g.deadLetters === undefined ? '?' : String(g.deadLetters)]),
  );
  const consumers = table(
    ['GROUP', 'CONSUMER', 'PENDING', 'IDLE'],
    description.groups.flatMap((g) => {
      const consumers = byName(g.consumers);
      return consumers.length === 0 ? [[g.name, NO_CONSUMERS, '-', '-']] : consumers.map((c) => [g.name, c.name, String(c.pending), duration(c.idleMs)]);
    }),
  );
  return `${summary}\n${groups}\n${consumers}`;
}

/** A group's consumers, one per name: a consumer of several partitions is listed in each, its pending entries summed and its shortest idle time kept. */
function byName(consumers: StreamDescription['groups'][number]['consumers']): { name: string; pending: number; idleMs: number }[] {
  const merged = new Map<string, { name: string; pending: number; idleMs: number }>();
  for (const { name, pending, idleMs } of consumers) {
    const seen = merged.get(name);
    merged.set(name, seen ? { name, pending: seen.pending + pending, idleMs: Math.min(seen.idleMs, idleMs) } : { name, pending, idleMs });
  }
  return [...merged.values()];
}
