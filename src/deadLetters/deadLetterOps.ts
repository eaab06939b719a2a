import type { StreamCodec } from '../codec/codecs';
import { assertInteger, assertName } from '../internal/validate';
import type { StreamAdmin } from '../transport/StreamTransport';
import { deadLetterKeyOf } from '../partitions/streamLayout';
import { toDeadLetter, type DeadLetter } from './DeadLetter';

/** Options of `EventService.deadLetters`. */
export interface DeadLettersOptions {
  /** Most dead letters returned, oldest first. Default 1000. */
  readonly limit?: number;
}

/** Options of `EventService.redrive`. */
export interface RedriveOptions {
  /** Only these dead letters (ids in the dead-letter stream). Default: all. */
  readonly ids?: readonly string[];
  /** Only dead letters of this group. Default: every group. */
  readonly group?: string;
  /** How many of the oldest dead letters are looked at (and at most redriven) in one call. Default 10000. */
  readonly limit?: number;
}

/** Reads a stream's dead letters (from the dead-letter stream of each partition), oldest first. */
export async function listDeadLetters<T>(transport: StreamAdmin, streamName: string, deadLetterKeys: readonly string[], limit: number, codec: StreamCodec<T> = 'superjson'): Promise<DeadLetter<T>[]> {
  return (await listWithKeys<T>(transport, streamName, deadLetterKeys, limit, codec)).map(({ letter }) => letter);
}

async function listWithKeys<T>(transport: StreamAdmin, streamName: string, deadLetterKeys: readonly string[], limit: number, codec: StreamCodec<T> = 'superjson'): Promise<{ letter: DeadLetter<T>; partition: number }[]> {
  assertInteger(limit, 'deadLetters option limit', 1);
  const perPartition = await Promise.all(deadLetterKeys.map((key) => transport.readDeadLetters(key, limit)));
  const all = perPartition.flatMap((entries, partition) => entries.map((entry) => ({ letter: toDeadLetter<T>(streamName, entry, codec), partition })));
  if (deadLetterKeys.length > 1) all.sort((a, b) => compareIds(a.letter.id, b.letter.id));
  return all.slice(0, limit);
}

function compareIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

/**
 * Puts dead letters back on their source stream, each addressed to the group it died in (other
 * groups skip it), one atomic move per dead letter. Resolves with the new entry ids.
 */
export async function redriveDeadLetters(transport: StreamAdmin, streamName: string, keys: readonly string[], options: RedriveOptions): Promise<string[]> {
  if (options.ids !== undefined && (!Array.isArray(options.ids) || options.ids.some((id) => typeof id !== 'string'))) {
    throw new TypeError('rx-redis-events: redrive option ids must be an array of dead-letter ids (strings)');
  }
  if (options.group !== undefined) assertName(options.group, 'redrive option group');
  const wanted = options.ids ? new Set(options.ids) : undefined;
  const all = await listWithKeys(transport, streamName, keys.map(deadLetterKeyOf), options.limit ?? 10_000);
  const chosen = all.filter(({ letter }) => (!wanted || wanted.has(letter.id)) && (options.group === undefined || letter.group === options.group));
  const ids: string[] = [];
  for (const { letter, partition } of chosen) {
    const key = keys[partition] as string;
    const id = await transport.redrive(key, deadLetterKeyOf(key), letter.id);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
