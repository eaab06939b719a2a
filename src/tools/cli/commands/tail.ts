import { inspect } from 'node:util';
import { Subscription } from 'rxjs';
import { displayValue } from '../../../codec/displayCodec';
import type { Codec } from '../../../codec/codecs';
import { KEY_FIELD, VALUE_FIELD } from '../../../codec/entryFields';
import { eventStream, type EventStream } from '../../../definitions/eventStream';
import type { EventService } from '../../../service/EventService';
import { idTime } from '../../../internal/streamId';
import { partitionKeys } from '../../../partitions/streamLayout';
import type { RedisTools } from '../../../transport/redis/redisTools';
import { expectPositionals, parseCommand, positiveInteger, UsageError } from '../args';
import { escapesOn, json, type Output } from '../output';
import { existingStream, streamNamed, withRedis, type Command } from './context';

export const TAIL_USAGE = `Usage: rx-redis-events tail <stream> [--from start|new|<id>] [--group <g>] [--count <n>] [--json]

Prints the stream's events as they arrive, decoded: one line each (id, key, value), or with --json
one JSON document per line ({ id, key, producedAt, value }). Runs until interrupted (Ctrl-C), or
until --count events were printed. tail cannot know a stream's codec: a value is decoded as superjson
(the default codec), else as plain JSON (codec 'json'), else shown as its raw text (a custom codec:
<text: ...>, or "text" instead of "value" with --json).
  --from start|new|<id>  where to begin (default new): the first entry, only entries added from now
                         on, or the entries after <id>
  --group <g>            consume as group <g> (created at --from if it does not exist) and ack each
                         printed event, as consumer tail#1 (said on stderr when it starts); without
                         it, tail only reads (XREAD) and joins no group
A partitioned stream (found from its keys) is read in every partition; a stream with no key under
the prefix is an error (exit 1).`;

const OPTIONS = { from: { type: 'string' }, group: { type: 'string' }, count: { type: 'string' } } as const;

/** One event to print: its value field as stored (undefined when the entry has none). */
interface Printed {
  readonly id: string;
  readonly key: string | undefined;
  readonly raw: string | undefined;
}

/** Hands the value field to tail as it is stored: tail decodes it as {@link displayValue} does, whatever the codec was. */
const STORED_TEXT: Codec<string> = { encode: (text) => text, decode: (text) => text };

/** `tail <stream>`: prints events as they arrive. */
export const tail: Command = async ({ args, env, io, interrupted }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, TAIL_USAGE);
  if (values.help) return void io.out.write(`${TAIL_USAGE}\n`), 0;
  expectPositionals(positionals, 1, 'tail takes one stream name', TAIL_USAGE);
  const name = streamNamed(positionals[0] as string, TAIL_USAGE).name;
  const from = values.from ?? 'new';
  if (from !== 'start' && from !== 'new' && !/^\d+(-\d+)?$/.test(from)) throw new UsageError(`--from must be start, new or an entry id, got ${JSON.stringify(from)}`, TAIL_USAGE);
  const count = positiveInteger(values.count, 'count', Infinity, TAIL_USAGE);
  const group = values.group;
  await withRedis(
    values,
    env,
    io,
    async (redis, { prefix }, service) => {
      const { stream } = await existingStream(redis, prefix, name);
      const print = printer(io, values.json === true, escapesOn(io.out, env));
      const keys = partitionKeys(prefix, stream);
      if (group === undefined) return readOnly(redis, keys, from, count, print, interrupted);
      io.err.write(`tail: consuming as group ${JSON.stringify(group)} (consumer tail#1): each event printed is acked for that group\n`);
      if (from !== 'start' && from !== 'new') await Promise.all(keys.map((key) => redis.createGroupAt(key, group, from)));
      return consumeAs(service(), stream, from === 'start' ? 'start' : 'new', count, print, interrupted);
    },
    group,
    'tail',
  );
  return 0;
};

/**
 * Reads the partitions' keys from `from` on without joining or creating a group (the library's
 * `XREAD` tail: one read of every key on a server, a reader per master on a cluster).
 */
async function readOnly(redis: RedisTools, keys: readonly string[], from: string, count: number, print: (event: Printed) => void, interrupted: Promise<void>): Promise<void> {
  const after = await Promise.all(keys.map(async (key) => (from === 'start' ? '0-0' : from === 'new' ? ((await redis.lastIds(key, 1))[0] ?? '0-0') : from)));
  await redis.tail(keys, after, { count, stopped: interrupted, onEntry: (entry) => print({ id: entry.id, key: entry.fields[KEY_FIELD], raw: entry.fields[VALUE_FIELD] }) });
}

/**
 * Consumes as the group, one delivery at a time (`maxInFlight: 1`), and acks each event as it is
 * printed, so that it reads exactly the `count` entries it prints: the ack of the last one comes only
 * after the subscription has ended, so the room it makes brings nothing more. Nothing is held unacked
 * longer than its printing, and an interrupted tail leaves at most one entry pending under tail#1.
 */
function consumeAs(service: EventService, stream: EventStream<unknown>, from: 'start' | 'new', count: number, print: (event: Printed) => void, interrupted: Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let printed = 0;
    const stored = eventStream<string>(stream.name, { partitions: stream.partitions, codec: STORED_TEXT });
    const subscription = new Subscription();
    subscription.add(
      service.consume(stored, { from, maxInFlight: 1 }).subscribe({
        next: (delivery) => {
          print({ id: delivery.id, key: delivery.key, raw: delivery.value });
          printed += 1;
          if (printed >= count) subscription.unsubscribe();
          void delivery.ack();
          if (printed >= count) resolve();
        },
        error: reject,
        complete: resolve,
      }),
    );
    void interrupted.then(() => (subscription.unsubscribe(), resolve()));
  });
}

/** Writes one event: `id  key  value` (the value as util.inspect shows it; text no codec reads as `<text: …>`), or a JSON line. */
function printer(io: Output, asJson: boolean, colors: boolean): (event: Printed) => void {
  const inspected = (value: unknown) => inspect(value, { depth: null, breakLength: Infinity, colors });
  return (event) => {
    const shown = event.raw === undefined ? undefined : displayValue('', event.id, event.raw);
    if (asJson) {
      const body = shown === undefined ? { error: MISSING } : 'value' in shown ? { value: shown.value } : { text: shown.text };
      io.out.write(`${json({ id: event.id, key: event.key, producedAt: idTime(event.id).toISOString(), ...body })}\n`);
    } else {
      const text = shown === undefined ? `<not decodable: ${MISSING}>` : 'value' in shown ? inspected(shown.value) : `<text: ${inspected(shown.text)}>`;
      io.out.write(`${event.id}  ${event.key ?? '-'}  ${text}\n`);
    }
  };
}

const MISSING = `field "${VALUE_FIELD}" is missing`;
