import { inspect } from 'node:util';
import type { DeadLetter } from '../../deadLetters/DeadLetter';
import { parseCommand, positiveInteger, UsageError } from '../args';
import { fields, json, Progress, table } from '../output';
import { streamNamed, withRedis, type Command } from './context';

export const DLQ_USAGE = `Usage: rx-redis-events dlq list <stream> [--limit <n>] [--json]
       rx-redis-events dlq show <stream> <id> [--json]
       rx-redis-events dlq redrive <stream> [--group <g>] [--id <id>]... [--json]

Manages a stream's dead letters (<prefix><stream>:dlq).
  list      the oldest dead letters (--limit, default 1000): id, source id, group, reason, deliveries, error
  show      one dead letter, with its decoded value
  redrive   puts dead letters (all, those of --group, or the --id ones) back on the stream, each for
            the group it died in; shows progress on stderr`;

const OPTIONS = { limit: { type: 'string' }, group: { type: 'string' }, id: { type: 'string', multiple: true } } as const;
/** Dead letters redriven per call, between progress updates. */
const REDRIVE_CHUNK = 100;
/** Most dead letters `redrive` looks at. */
const REDRIVE_LIMIT = 1_000_000;

/** `dlq list|show|redrive`. */
export const dlq: Command = async ({ args, env, io }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, DLQ_USAGE);
  if (values.help) return void io.out.write(`${DLQ_USAGE}\n`), 0;
  const [action, name, id, ...extra] = positionals;
  if (name === undefined || extra.length > 0) throw new UsageError('dlq takes an action and a stream name', DLQ_USAGE);
  const stream = streamNamed(name, DLQ_USAGE);
  const expect = (wanted: number) => {
    if (positionals.length !== wanted) throw new UsageError(`dlq ${action} takes ${wanted === 3 ? 'a stream name and a dead-letter id' : 'a stream name'}`, DLQ_USAGE);
  };
  if (action === 'list') {
    expect(2);
    const limit = positiveInteger(values.limit, 'limit', 1000, DLQ_USAGE);
    const letters = await withRedis(values, env, io, (_redis, _target, service) => service().deadLetters(stream, { limit }));
    io.out.write(values.json ? `${json(letters)}\n` : listing(letters));
    return 0;
  }
  if (action === 'show') {
    expect(3);
    const letters = await withRedis(values, env, io, (_redis, _target, service) => service().deadLetters(stream, { limit: REDRIVE_LIMIT }));
    const letter = letters.find((candidate) => candidate.id === id);
    if (!letter) {
      io.err.write(`rx-redis-events: no dead letter ${String(id)} in ${stream.name}\n`);
      return 1;
    }
    io.out.write(values.json ? `${json(letter)}\n` : detail(letter));
    return 0;
  }
  if (action === 'redrive') {
    expect(2);
    const redriven = await withRedis(values, env, io, async (_redis, _target, open) => {
      const service = open();
      const wanted = values.id ? new Set(values.id) : undefined;
      const chosen = (await service.deadLetters(stream, { limit: REDRIVE_LIMIT })).filter((letter) => (!wanted || wanted.has(letter.id)) && (values.group === undefined || letter.group === values.group));
      const progress = new Progress(io.err, 'redriven', chosen.length);
      const ids: string[] = [];
      for (let start = 0; start < chosen.length; start += REDRIVE_CHUNK) {
        ids.push(...(await service.redrive(stream, { ids: chosen.slice(start, start + REDRIVE_CHUNK).map((letter) => letter.id) })));
        progress.update(Math.min(start + REDRIVE_CHUNK, chosen.length));
      }
      progress.done();
      return ids;
    });
    io.out.write(values.json ? `${json({ redriven })}\n` : `redriven ${redriven.length} dead letter${redriven.length === 1 ? '' : 's'} to ${stream.name}\n`);
    return 0;
  }
  throw new UsageError(action === undefined ? 'dlq needs an action: list, show or redrive' : `unknown dlq action ${JSON.stringify(action)}`, DLQ_USAGE);
};

function listing(letters: readonly DeadLetter<unknown>[]): string {
  if (letters.length === 0) return 'no dead letters\n';
  return table(
    ['ID', 'SOURCE ID', 'GROUP', 'REASON', 'DELIVERIES', 'ERROR'],
    letters.map((letter) => [letter.id, letter.sourceId, letter.group, letter.reason, String(letter.deliveryCount), oneLine(letter.error)]),
  );
}

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

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
