import type { Redis } from 'ioredis';
import { inspect } from 'node:util';
import { decodeEntry, type EntryFields } from '../../codec/entryCodec';
import type { EventStream } from '../../definitions/eventStream';
import type { EventService } from '../../service/EventService';
import { idTime } from '../../internal/streamId';
import { toStoredEntries } from '../../transport/redis/replies';
import { parseCommand, positiveInteger, UsageError } from '../args';
import { json, type Output } from '../output';
import { streamNamed, withRedis, type Command } from './context';

export const TAIL_USAGE = `Usage: rx-redis-events tail <stream> [--from start|new|<id>] [--group <g>] [--count <n>] [--json]

Prints the stream's events as they arrive, decoded: one line each (id, key, value), or with --json
one JSON document per line ({ id, key, producedAt, value }). Runs until interrupted (Ctrl-C), or
until --count events were printed.
  --from start|new|<id>  where to begin (default new): the first entry, only entries added from now
                         on, or the entries after <id>
  --group <g>            consume as group <g> (created at --from if it does not exist) and ack each
                         printed event, as consumer tail#1; without it, tail only reads (XREAD)
                         and joins no group`;

const OPTIONS = { from: { type: 'string' }, group: { type: 'string' }, count: { type: 'string' } } as const;

/** One event to print: decoded already (consumed), or its stored fields (read). */
type Printed = { readonly id: string; readonly key: string | undefined } & ({ readonly value: unknown } | { readonly fields: EntryFields });

/** `tail <stream>`: prints events as they arrive. */
export const tail: Command = async ({ args, env, io, interrupted }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, TAIL_USAGE);
  if (values.help) return void io.out.write(`${TAIL_USAGE}\n`), 0;
  if (positionals.length !== 1) throw new UsageError('tail takes one stream name', TAIL_USAGE);
  const stream = streamNamed(positionals[0] as string, TAIL_USAGE);
  const from = values.from ?? 'new';
  if (from !== 'start' && from !== 'new' && !/^\d+(-\d+)?$/.test(from)) throw new UsageError(`--from must be start, new or an entry id, got ${JSON.stringify(from)}`, TAIL_USAGE);
  const count = positiveInteger(values.count, 'count', Infinity, TAIL_USAGE);
  const print = printer(stream, io, values.json === true);
  const group = values.group;
  await withRedis(
    values,
    env,
    io,
    async (redis, { prefix }, service) => {
      if (group === undefined) return readOnly(redis, prefix + stream.name, from, count, print, interrupted);
      if (from !== 'start' && from !== 'new') await createGroupAt(redis, prefix + stream.name, group, from);
      return consumeAs(service(), stream, from === 'start' ? 'start' : 'new', count, print, interrupted);
    },
    group,
    'tail',
  );
  return 0;
};

/** Plain `XREAD BLOCK` from `from` on: no group is joined or created. */
async function readOnly(redis: Redis, key: string, from: string, count: number, print: (event: Printed) => void, interrupted: Promise<void>): Promise<void> {
  let stopped = false;
  void interrupted.then(() => ((stopped = true), redis.disconnect()));
  let last = from === 'start' ? '0-0' : from;
  if (from === 'new') last = ((await redis.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0]) ?? '0-0';
  for (let printed = 0; printed < count && !stopped; ) {
    let reply: unknown;
    try {
      reply = await redis.xread('COUNT', Math.min(count - printed, 1000), 'BLOCK', 1000, 'STREAMS', key, last);
    } catch (error) {
      if (stopped) return;
      throw error;
    }
    const [[, entries] = ['', []]] = (reply ?? []) as [string, unknown][];
    for (const entry of toStoredEntries(entries)) {
      print({ id: entry.id, key: entry.fields.k, fields: entry.fields });
      last = entry.id;
      if (++printed >= count) return;
    }
  }
}

/** Consumes as the group, acking each event once printed. */
function consumeAs(service: EventService, stream: EventStream<unknown>, from: 'start' | 'new', count: number, print: (event: Printed) => void, interrupted: Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let printed = 0;
    // never hold more than will be printed: what is read is printed and acked
    const subscription = service.consume(stream, { from, maxInFlight: Math.min(count, 1000) }).subscribe({
      next: (delivery) => {
        if (printed >= count) return;
        print({ id: delivery.id, key: delivery.key, value: delivery.value });
        void delivery.ack();
        if (++printed >= count) done();
      },
      error: reject,
      complete: resolve,
    });
    const done = () => (subscription.unsubscribe(), resolve());
    void interrupted.then(done);
  });
}

async function createGroupAt(redis: Redis, key: string, group: string, id: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', key, group, id, 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
  }
}

/** Writes one event: `id  key  value` (the value as util.inspect shows it), or a JSON line. */
function printer(stream: EventStream<unknown>, io: Output, asJson: boolean): (event: Printed) => void {
  return (event) => {
    let value: unknown;
    let error: string | undefined;
    try {
      value = 'value' in event ? event.value : decodeEntry(stream.name, event.id, event.fields).value;
    } catch (decodeError) {
      error = decodeError instanceof Error ? decodeError.message : String(decodeError);
    }
    if (asJson) {
      io.out.write(`${json({ id: event.id, key: event.key, producedAt: idTime(event.id).toISOString(), ...(error === undefined ? { value } : { error }) })}\n`);
    } else {
      const shown = error === undefined ? inspect(value, { depth: null, breakLength: Infinity, colors: io.out.isTTY === true }) : `<not decodable: ${error}>`;
      io.out.write(`${event.id}  ${event.key ?? '-'}  ${shown}\n`);
    }
  };
}
