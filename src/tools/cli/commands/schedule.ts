import { eventStream } from '../../../definitions/eventStream';
import type { ScheduleWhen } from '../../../scheduling/scheduleWhen';
import { expectPositionals, parseCommand, UsageError } from '../args';
import { json } from '../output';
import { streamNamed, withRedis, type Command } from './context';

export const SCHEDULE_USAGE = `Usage: rx-redis-events schedule <stream> <when> <json> [--key <k>] [--codec superjson|json] [--json]

Stores one event, whose value is the given JSON document, to be appended to the stream at <when>;
prints its schedule id (what the library's unschedule takes back). <when> is an ISO 8601 time
(2030-01-01T09:00:00Z) or a delay from now by the server's clock: a number and a unit, ms, s, m, h
or d (1500ms, 90s, 5m). The value is encoded with the stream's codec: superjson (the default codec of
the library) or, with --codec json, plain JSON; --key sets its partition key. An existing stream keeps
its partitions (found from its keys). The event is appended once it is due, by any service instance
consuming the stream; while none consumes, it waits.`;

const OPTIONS = { key: { type: 'string' }, codec: { type: 'string' } } as const;

const DELAY_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `schedule <stream> <when> <json>`: stores one event for later, through `service.schedule`. */
export const schedule: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, SCHEDULE_USAGE);
  if (values.help) return void io.out.write(`${SCHEDULE_USAGE}\n`), 0;
  expectPositionals(positionals, 3, 'schedule takes a stream name, a time or delay, and a JSON value', SCHEDULE_USAGE);
  const [name, whenText, text] = positionals as [string, string, string];
  streamNamed(name, SCHEDULE_USAGE);
  const when = readWhen(whenText);
  const value = readJson(text);
  const key = values.key;
  const codec = values.codec ?? 'superjson';
  if (codec !== 'superjson' && codec !== 'json') throw new UsageError(`--codec must be superjson or json, got ${JSON.stringify(codec)}`, SCHEDULE_USAGE);
  const [id] = await withRedis(values, env, io, async (redis, { prefix }, service) => {
    const [found] = await redis.findStreams(prefix, { name });
    const stream = eventStream<unknown>(name, { partitions: found?.stream.partitions ?? 1, codec, ...(key === undefined ? {} : { key: () => key }) });
    return service().schedule(stream, when, value);
  });
  io.out.write(values.json ? `${json({ id })}\n` : `${id}\n`);
  return 0;
};

/** An ISO 8601 time, or a delay such as `90s`. */
export function readWhen(text: string): ScheduleWhen {
  const delay = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (delay) return { delayMs: Math.ceil(Number(delay[1]) * (DELAY_UNITS_MS[delay[2] as string] as number)) };
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) {
    throw new UsageError(`<when> must be an ISO 8601 time (2030-01-01T09:00:00Z) or a delay (1500ms, 90s, 5m, 2h, 1d), got ${JSON.stringify(text)}`, SCHEDULE_USAGE);
  }
  return at;
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`the value is not JSON: ${error instanceof Error ? error.message : String(error)}`, SCHEDULE_USAGE);
  }
}
