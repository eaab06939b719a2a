import type { StreamDescription } from '../../describe/StreamDescription';
import { parseCommand, UsageError } from '../args';
import { duration, fields, json, table } from '../output';
import { streamNamed, withRedis, type Command } from './context';

export const DESCRIBE_USAGE = `Usage: rx-redis-events describe <stream> [--prefix <p>] [--json]

Prints the stream's length, first and last ids, dead letters, and per group: consumers, pending,
lag (not yet delivered), last delivered id, age of the oldest pending entry and dead letters.`;

/** `describe <stream>`: what `EventService.describe` reports, as tables. */
export const describe: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, {}, DESCRIBE_USAGE);
  if (values.help) return void io.out.write(`${DESCRIBE_USAGE}\n`), 0;
  if (positionals.length !== 1) throw new UsageError('describe takes one stream name', DESCRIBE_USAGE);
  const stream = streamNamed(positionals[0] as string, DESCRIBE_USAGE);
  const description = await withRedis(values, env, io, (_redis, _target, service) => service().describe(stream));
  io.out.write(values.json ? `${json(description)}\n` : render(description));
  return 0;
};

/** The description as a summary, a table of groups and a table of consumers. */
export function render(description: StreamDescription): string {
  const { retention } = description;
  const limits = retention ? [retention.maxLength === undefined ? '' : `maxLength ${retention.maxLength}`, retention.maxAge === undefined ? '' : `maxAge ${retention.maxAge}ms`].filter(Boolean).join(', ') : '';
  const summary = fields([
    ['stream', description.stream],
    ['length', String(description.length)],
    ['first id', description.firstId ?? '-'],
    ['last id', description.lastId ?? '-'],
    ...(limits ? [['retention', limits] as const] : []),
    ['dead letters', String(description.deadLetters)],
  ]);
  if (description.groups.length === 0) return `${summary}\nno groups\n`;
  const groups = table(
    ['GROUP', 'CONSUMERS', 'PENDING', 'LAG', 'LAST DELIVERED', 'OLDEST PENDING', 'DEAD LETTERS'],
    description.groups.map((g) => [g.name, String(g.consumers.length), String(g.pending), g.lag === undefined ? '?' : String(g.lag), g.lastDeliveredId, duration(g.oldestPendingAgeMs), g.deadLetters === undefined ? '?' : String(g.deadLetters)]),
  );
  const consumers = table(
    ['GROUP', 'CONSUMER', 'PENDING', 'IDLE'],
    description.groups.flatMap((g) => g.consumers.map((c) => [g.name, c.name, String(c.pending), duration(c.idleMs)])),
  );
  return `${summary}\n${groups}\n${consumers}`;
}
