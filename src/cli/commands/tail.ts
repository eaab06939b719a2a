import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import { inspect } from 'node:util';
import { displayValue } from '../../codec/displayCodec';
import { VALUE_FIELD } from '../../codec/entryCodec';
import type { Codec } from '../../codec/codecs';
import { eventStream, type EventStream } from '../../definitions/eventStream';
import type { EventService } from '../../service/EventService';
import { idTime } from '../../internal/streamId';
import { partitionKeys } from '../../partitions/streamLayout';
import { toStoredEntries } from '../../transport/redis/replies';
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
      if (from !== 'start' && from !== 'new') await Promise.all(keys.map((key) => createGroupAt(redis, key, group, from)));
      return consumeAs(service(), stream, from === 'start' ? 'start' : 'new', count, print, interrupted);
    },
    group,
    'tail',
  );
  return 0;
};

/** What the read loops of one tail share: how many may still be printed, and whether it stopped. */
interface ReadBudget {
  left: number;
  stopped: boolean;
}

/**
 * Plain `XREAD BLOCK` of the partitions' keys from `from` on: no group is joined or created. One
 * server reads every key in one call; a cluster (whose keys of several slots cannot share a call)
 * gets a reader connection per partition, to the master of its slot.
 */
async function readOnly(redis: Redis | Cluster, keys: readonly string[], from: string, count: number, print: (event: Printed) => void, interrupted: Promise<void>): Promise<void> {
  const starts = await Promise.all(keys.map(async (key) => (from === 'start' ? '0-0' : from === 'new' ? (((await redis.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0]) ?? '0-0') : from)));
  const loops: { connection: Redis; keys: string[]; last: string[] }[] = redis.isCluster
    ? keys.map((key, index) => ({ connection: readerFor(redis as Cluster, key), keys: [key], last: [starts[index] as string] }))
    : [{ connection: redis as Redis, keys: [...keys], last: starts }];
  const budget: ReadBudget = { left: count, stopped: false };
  const stop = () => {
    budget.stopped = true;
    for (const loop of loops) loop.connection.disconnect();
  };
  void interrupted.then(stop);
  try {
    await Promise.all(loops.map((loop) => readLoop(loop.connection, loop.keys, loop.last, budget, print).finally(() => budget.left <= 0 && stop())));
  } finally {
    if (redis.isCluster) stop();
  }
}

/** Reads `keys` after the ids in `last` (updated as it goes) until the budget is spent or the tail stopped. */
async function readLoop(connection: Redis, keys: readonly string[], last: string[], budget: ReadBudget, print: (event: Printed) => void): Promise<void> {
  while (budget.left > 0 && !budget.stopped) {
    let reply: unknown;
    try {
      reply = await connection.xread('COUNT', Math.min(budget.left, 1000), 'BLOCK', 1000, 'STREAMS', ...keys, ...last);
    } catch (error) {
      if (budget.stopped) return;
      throw error;
    }
    for (const [key, entries] of (reply ?? []) as [string, unknown][]) {
      for (const entry of toStoredEntries(entries)) {
        if (budget.left <= 0 || budget.stopped) return;
        print({ id: entry.id, key: entry.fields.k, raw: entry.fields[VALUE_FIELD] });
        last[keys.indexOf(key)] = entry.id;
        budget.left--;
      }
    }
  }
}

/** A connection for blocking reads of `key` on a cluster: a copy of the pool's connection to the master of its slot. */
function readerFor(cluster: Cluster, key: string): Redis {
  const name = cluster.slots[calculateSlot(key)]?.[0];
  const master = cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === name);
  if (!master) throw new Error(`the cluster has no master for ${key} (slot ${calculateSlot(key)})`);
  return master.duplicate();
}

/** Consumes as the group, acking each event once printed. */
function consumeAs(service: EventService, stream: EventStream<unknown>, from: 'start' | 'new', count: number, print: (event: Printed) => void, interrupted: Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let printed = 0;
    // never hold more than will be printed: what is read is printed and acked
    const stored = eventStream<string>(stream.name, { partitions: stream.partitions, codec: STORED_TEXT });
    const subscription = service.consume(stored, { from, maxInFlight: Math.min(count, 1000) }).subscribe({
      next: (delivery) => {
        if (printed >= count) return;
        print({ id: delivery.id, key: delivery.key, raw: delivery.value });
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

async function createGroupAt(redis: Redis | Cluster, key: string, group: string, id: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', key, group, id, 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
  }
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
