import { readByTools } from '../../../codec/displayCodec';
import { eventStream } from '../../../definitions/eventStream';
import { expectPositionals, parseCommand, positiveInteger } from '../args';
import { json, table } from '../output';
import { streamNamed, withRedis, type Command } from './context';

export const SCHEDULED_USAGE = `Usage: rx-redis-events scheduled <stream> [--limit <n>] [--json]

Lists the stream's scheduled events still waiting, the first due first: schedule id, due time (UTC),
partition key and value (read as superjson, else plain JSON, else shown as text). At most --limit
events (default 100). With --json, one JSON document: an array of { id, dueAt, key, value }.`;

const OPTIONS = { limit: { type: 'string' } } as const;

/** `scheduled <stream>`: what waits, through `service.scheduled`. */
export const scheduled: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, SCHEDULED_USAGE);
  if (values.help) return void io.out.write(`${SCHEDULED_USAGE}\n`), 0;
  expectPositionals(positionals, 1, 'scheduled takes a stream name', SCHEDULED_USAGE);
  const [name] = positionals as [string];
  streamNamed(name, SCHEDULED_USAGE);
  const limit = positiveInteger(values.limit, 'limit', 100, SCHEDULED_USAGE);
  const waiting = await withRedis(values, env, io, async (redis, { prefix }, service) => {
    const [found] = await redis.findStreams(prefix, { name });
    return service().scheduled(readByTools(eventStream<unknown>(name, { partitions: found?.stream.partitions ?? 1 })), { limit });
  });
  if (values.json) return void io.out.write(`${json(waiting.map(({ id, dueAt, key, value }) => ({ id, dueAt: dueAt.toISOString(), key, value })))}\n`), 0;
  if (waiting.length === 0) return void io.out.write(`nothing scheduled on ${name}\n`), 0;
  io.out.write(table(['ID', 'DUE', 'KEY', 'VALUE'], waiting.map(({ id, dueAt, key, value }) => [id, dueAt.toISOString(), key ?? '-', json(value)])));
  return 0;
};
