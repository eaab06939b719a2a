import { decodeValue } from '../../../codec/entryCodec';
import { DecodeError } from '../../../errors/DecodeError';
import { eventStream } from '../../../definitions/eventStream';
import { expectPositionals, parseCommand, UsageError } from '../args';
import { json } from '../output';
import { streamNamed, withRedis, type Command } from './context';

export const PRODUCE_USAGE = `Usage: rx-redis-events produce <stream> <value> [--superjson] [--key <k>] [--codec superjson|json] [--json]

Appends one event and prints its id. How <value> is read:
  by default      as a JSON document: strings, numbers, booleans, null, arrays and objects only
                  (a date stays a string)
  --superjson     as a superjson document, {"json": <value>, "meta": <annotations>} as
                  superjson.stringify writes it, so a Date, Map, Set, BigInt or undefined arrives as
                  one; for instance '{"json":{"at":"2024-01-01T00:00:00.000Z"},"meta":{"values":{"at":["Date"]}}}'
The value is then encoded with the stream's codec: superjson (the default codec of the library) or,
with --codec json, plain JSON (for streams defined with codec: 'json'). --key sets its partition key.
An existing stream keeps its partitions (found from its keys): the event goes to the partition of
its key, as the library routes it.`;

const OPTIONS = { key: { type: 'string' }, codec: { type: 'string' }, superjson: { type: 'boolean' } } as const;

/** `produce <stream> <value>`: appends one event, for manual tests. */
export const produce: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, PRODUCE_USAGE);
  if (values.help) return void io.out.write(`${PRODUCE_USAGE}\n`), 0;
  expectPositionals(positionals, 2, 'produce takes a stream name and a value', PRODUCE_USAGE);
  const [name, text] = positionals as [string, string];
  streamNamed(name, PRODUCE_USAGE);
  const value = values.superjson === true ? readSuperjson(name, text) : readJson(text);
  const key = values.key;
  const codec = values.codec ?? 'superjson';
  if (codec !== 'superjson' && codec !== 'json') throw new UsageError(`--codec must be superjson or json, got ${JSON.stringify(codec)}`, PRODUCE_USAGE);
  const [id] = await withRedis(values, env, io, async (redis, { prefix }, service) => {
    const [found] = await redis.findStreams(prefix, { name });
    const stream = eventStream<unknown>(name, { partitions: found?.stream.partitions ?? 1, codec, ...(key === undefined ? {} : { key: () => key }) });
    return service().produce(stream, value);
  });
  io.out.write(values.json ? `${json({ id })}\n` : `${id}\n`);
  return 0;
};

function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`the value is not JSON: ${error instanceof Error ? error.message : String(error)}`, PRODUCE_USAGE);
  }
}

/** A superjson document read as consumers read one (a `__proto__`, `constructor` or `prototype` key is refused). */
function readSuperjson(name: string, text: string): unknown {
  try {
    return decodeValue<unknown>(name, '(command line)', text);
  } catch (error) {
    // the problem, without the DecodeError's `cannot decode entry … of stream "…": ` (there is no entry yet)
    const reason = error instanceof DecodeError ? error.message.slice(error.message.indexOf('": ') + 3) : String(error);
    throw new UsageError(`--superjson: cannot read the value: ${reason}`, PRODUCE_USAGE);
  }
}
