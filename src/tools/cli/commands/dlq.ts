import { inspect } from 'node:util';
import { toDeadLetter, type DeadLetter } from '../../../deadLetters/DeadLetter';
import type { EventStream } from '../../../definitions/eventStream';
import { parseStreamId } from '../../../internal/streamId';
import { deadLetterKeyOf, partitionKeys } from '../../../partitions/streamLayout';
import type { RedisTools } from '../../../transport/redis/redisTools';
import { expectPositionals, parseCommand, positiveInteger, UsageError, type ParsedCommand } from '../args';
import { confirm } from '../confirm';
import { escapesOn, fields, json, Progress, table } from '../output';
import { existingStream, streamNamed, withRedis, type Command, type CommandContext } from './context';

export const DLQ_USAGE = `Usage: rx-redis-events dlq list <stream> [--limit <n>] [--json]
       rx-redis-events dlq show <stream> <id> [--json]
       rx-redis-events dlq redrive <stream> [--group <g>] [--id <id>]... [--dry-run] [--yes] [--json]

Manages a stream's dead letters. They are in a dead-letter stream per partition, in the partition's
cluster slot: <key>:{<key>}:dlq for a stream key <key> = <prefix><stream> (e.g.
shop:orders:{shop:orders}:dlq), <key>:dlq for a partition's key <prefix><stream>:{<tag>} (and for a
key that holds a hash tag already, such as one under a prefix with braces).
  list       the oldest dead letters (--limit, default 1000): id, source id, group, reason, deliveries, error
  show       one dead letter, with its decoded value (only that entry is read)
  redrive    puts dead letters (all, those of --group, or the --id ones) back on the stream, each for
             the group it died in; shows progress on stderr
  --dry-run  lists what redrive would put back, and changes nothing
  --yes      redrive without --id without asking. Without --id, redrive asks for confirmation when
             stdin is a terminal; when it is not, --yes (or --dry-run) is needed, else it is a
             usage error and nothing is redriven`;

const OPTIONS = { limit: { type: 'string' }, group: { type: 'string' }, id: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } } as const;
/** Dead letters redriven per call, between progress updates. */
const REDRIVE_CHUNK = 100;
/** Most dead letters `redrive` looks at. */
const REDRIVE_LIMIT = 1_000_000;

/** The parsed options of `dlq`. */
type DlqValues = ParsedCommand<typeof OPTIONS>['values'];
/** The actions of `dlq`. */
const ACTIONS = ['list', 'show', 'redrive'] as const;
type DlqAction = (typeof ACTIONS)[number];

/** `dlq list|show|redrive`. */
export const dlq: Command = async (ctx) => {
  const { values, positionals } = parseCommand(ctx.args, OPTIONS, DLQ_USAGE);
  if (values.help) return void ctx.io.out.write(`${DLQ_USAGE}\n`), 0;
  const [action, name, id] = checkedPositionals(positionals);
  streamNamed(name, DLQ_USAGE);
  if (action === 'list') return listLetters(ctx, values, name);
  if (action === 'show') return showLetter(ctx, values, name, id as string);
  return redriveLetters(ctx, values, name);
};

/** The action, the stream name and (for `show`) the dead-letter id; a missing, unknown or stray argument is a usage error. */
function checkedPositionals(positionals: readonly string[]): [action: DlqAction, name: string, id: string | undefined] {
  const [action, name, id] = positionals;
  if (action !== undefined && !ACTIONS.includes(action as DlqAction)) throw new UsageError(`unknown dlq action ${JSON.stringify(action)}`, DLQ_USAGE);
  if (action === undefined || name === undefined) throw new UsageError('dlq takes an action (list, show or redrive) and a stream name', DLQ_USAGE);
  const wanted = action === 'show' ? 3 : 2;
  expectPositionals(positionals, wanted, `dlq ${action} takes ${wanted === 3 ? 'a stream name and a dead-letter id' : 'a stream name'}`, DLQ_USAGE);
  return [action as DlqAction, name, id];
}

/** `dlq list`: the oldest dead letters (`--limit`), as a table or JSON. */
async function listLetters({ env, io }: CommandContext, values: DlqValues, name: string): Promise<number> {
  const limit = positiveInteger(values.limit, 'limit', 1000, DLQ_USAGE);
  const letters = await withRedis(values, env, io, async (redis, { prefix }, service) => service().deadLetters((await existingStream(redis, prefix, name)).stream, { limit }));
  io.out.write(values.json ? `${json(letters)}\n` : listing(letters));
  return 0;
}

/** `dlq show`: one dead letter with its decoded value; exit code 1 when there is none with that id. */
async function showLetter({ env, io }: CommandContext, values: DlqValues, name: string, id: string): Promise<number> {
  if (parseStreamId(id) === undefined) throw new UsageError(`a dead-letter id is an entry id such as 1700000000000-0, got ${JSON.stringify(id)}`, DLQ_USAGE);
  const letter = await withRedis(values, env, io, async (redis, { prefix }) => readOne(redis, prefix, (await existingStream(redis, prefix, name)).stream, id));
  if (!letter) {
    io.err.write(`rx-redis-events: no dead letter ${id} in ${name}\n`);
    return 1;
  }
  io.out.write(values.json ? `${json(letter)}\n` : detail(letter));
  return 0;
}

/** `dlq redrive`: puts the chosen dead letters back (after confirmation when asked), or lists them on `--dry-run`. */
async function redriveLetters({ env, io, interrupted }: CommandContext, values: DlqValues, name: string): Promise<number> {
  const dryRun = values['dry-run'] === true;
  const ask = values.id === undefined && !dryRun && values.yes !== true;
  if (ask && io.in?.isTTY !== true) throw new UsageError('dlq redrive without --id puts back every dead letter chosen: add --yes to do so without a terminal to confirm on (or --dry-run to see them)', DLQ_USAGE);
  return withRedis(values, env, io, async (redis, { prefix }, open) => {
    const service = open();
    const { stream } = await existingStream(redis, prefix, name);
    const chosen = chooseLetters(await service.deadLetters(stream, { limit: REDRIVE_LIMIT }), values);
    if (dryRun) {
      io.out.write(values.json ? `${json({ dryRun: true, wouldRedrive: chosen.map((letter) => letter.id) })}\n` : `${chosen.length > 0 ? listing(chosen) : ''}would redrive ${plural(chosen.length)} to ${name} (dry run: nothing changed)\n`);
      return 0;
    }
    const whose = values.group === undefined ? 'of every group' : `of group ${JSON.stringify(values.group)}`;
    if (ask && chosen.length > 0 && !(await confirm(io, `Redrive ${plural(chosen.length)} ${whose} back onto ${name}? [y/N] `, interrupted))) {
      io.err.write('rx-redis-events: redrive cancelled, nothing redriven\n');
      return 1;
    }
    const redriven = await redriveChunks(service.redrive.bind(service), stream, chosen, new Progress(io.err, 'redriven', chosen.length, escapesOn(io.err, env)));
    io.out.write(values.json ? `${json({ redriven })}\n` : `redriven ${plural(redriven.length)} to ${name}\n`);
    return 0;
  });
}

/** The dead letters `redrive` puts back: those of `--id` (all without it) of `--group` (any without it). */
function chooseLetters(letters: readonly DeadLetter<unknown>[], values: DlqValues): DeadLetter<unknown>[] {
  const ids = values.id ? new Set(values.id) : undefined;
  return letters.filter((letter) => (!ids || ids.has(letter.id)) && (values.group === undefined || letter.group === values.group));
}

/** `1 dead letter`, `2 dead letters`. */
function plural(n: number): string {
  return `${n} dead letter${n === 1 ? '' : 's'}`;
}

/** The dead letter with this id, read from each partition's dead-letter stream (`XRANGE <id> <id>`: one entry at most). */
async function readOne(redis: RedisTools, prefix: string, stream: EventStream<unknown>, id: string): Promise<DeadLetter<unknown> | undefined> {
  const entries = await Promise.all(partitionKeys(prefix, stream).map((key) => redis.entry(deadLetterKeyOf(key), id)));
  const entry = entries.find((found) => found !== undefined);
  return entry && toDeadLetter<unknown>(stream.name, entry, stream.codec);
}

/** Redrives the chosen dead letters {@link REDRIVE_CHUNK} at a time, updating the progress after each call; resolves with the new entry ids. */
async function redriveChunks(redrive: (stream: EventStream<unknown>, options: { ids: string[] }) => Promise<string[]>, stream: EventStream<unknown>, chosen: readonly DeadLetter<unknown>[], progress: Progress): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < chosen.length; start += REDRIVE_CHUNK) {
    ids.push(...(await redrive(stream, { ids: chosen.slice(start, start + REDRIVE_CHUNK).map((letter) => letter.id) })));
    progress.update(Math.min(start + REDRIVE_CHUNK, chosen.length));
  }
  progress.done();
  return ids;
}

/** The dead letters as a table, or `no dead letters`. */
function listing(letters: readonly DeadLetter<unknown>[]): string {
  if (letters.length === 0) return 'no dead letters\n';
  return table(
    ['ID', 'SOURCE ID', 'GROUP', 'REASON', 'DELIVERIES', 'ERROR'],
    letters.map((letter) => [letter.id, letter.sourceId, letter.group, letter.reason, String(letter.deliveryCount), oneLine(letter.error)]),
  );
}

/** One dead letter's fields, its value decoded. */
function detail(letter: DeadLetter<unknown>): string {
  return fields([
    ['id', letter.id],
    ['source id', letter.sourceId],
    ['group', letter.group],
    ['reason', letter.reason],
    ['deliveries', String(letter.deliveryCount)],
    ['error', oneLine(letter.error)],
    ['dead-lettered', letter.deadLetteredAt.toISOString()],
    ['key', letter.key ?? '-'],
    ['value', letter.value === undefined ? `<not decoded> ${json(letter.fields)}` : inspect(letter.value, { depth: null, breakLength: Infinity })],
  ]);
}

/** `text` with its line breaks (and the blanks around them) as single spaces. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
