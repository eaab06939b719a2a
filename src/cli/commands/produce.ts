import { eventStream } from '../../definitions/eventStream';
import { findStreams } from '../../transport/redis/findStreams';
import { expectPositionals, parseCommand, UsageError } from '../args';
import { json } from '../output';
import { streamNamed, withRedis, type Command } from './context';

export const PRODUCE_USAGE = `Usage: rx-redis-events produce <stream> <json> [--key <k>] [--codec superjson|json] [--json]

Appends one event whose value is the given JSON document, encoded with the stream's codec: superjson
(the default codec of the library) or, with --codec json, plain JSON (for streams defined with
codec: 'json'); prints its id. --key sets its partition key. An existing stream keeps its partitions
(found from its keys): the event goes to the partition of its key, as the library routes it.`;

/** `produce <stream> <json>`: appends one event, for manual tests. */
export const produce: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, { key: { type: 'string' }, codec: { type: 'string' } }, PRODUCE_USAGE);
  if (values.help) return void io.out.write(`${PRODUCE_USAGE}\n`), 0;
  expectPositionals(positionals, 2, 'produce takes a stream name and a JSON value', PRODUCE_USAGE);
  const [name, text] = positionals as [string, string];
  streamNamed(name, PRODUCE_USAGE);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the value is not JSON: ${error instanceof Error ? error.message : String(error)}`, PRODUCE_USAGE);
  }
  const key = values.key;
  const codec = values.codec ?? 'superjson';
  if (codec !== 'superjson' && codec !== 'json') throw new UsageError(`--codec must be superjson or json, got ${JSON.stringify(codec)}`, PRODUCE_USAGE);
  const [id] = await withRedis(values, env, io, async (redis, { prefix }, service) => {
    const [found] = await findStreams(redis, prefix, { name });
    const stream = eventStream<unknown>(name, { partitions: found?.stream.partitions ?? 1, codec, ...(key === undefined ? {} : { key: () => key }) });
    return service().produce(stream, value);
  });
  io.out.write(values.json ? `${json({ id })}\n` : `${id}\n`);
  return 0;
};
