import { assertInteger, assertName } from '../internal/validate';
import type { StreamTransport } from '../transport/StreamTransport';
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

/** Reads a stream's dead letters, oldest first. */
export async function listDeadLetters<T>(transport: StreamTransport, streamName: string, deadLetterKey: string, limit: number): Promise<DeadLetter<T>[]> {
  assertInteger(limit, 'deadLetters option limit', 1);
  const entries = await transport.readDeadLetters(deadLetterKey, limit);
  return entries.map((entry) => toDeadLetter<T>(streamName, entry));
}

/**
 * Puts dead letters back on their source stream, each addressed to the group it died in (other
 * groups skip it), one atomic move per dead letter. Resolves with the new entry ids.
 */
export async function redriveDeadLetters(transport: StreamTransport, streamName: string, key: string, deadLetterKey: string, options: RedriveOptions): Promise<string[]> {
  if (options.ids !== undefined && (!Array.isArray(options.ids) || options.ids.some((id) => typeof id !== 'string'))) {
    throw new TypeError('rx-redis-events: redrive option ids must be an array of dead-letter ids (strings)');
  }
  if (options.group !== undefined) assertName(options.group, 'redrive option group');
  const wanted = options.ids ? new Set(options.ids) : undefined;
  const all = await listDeadLetters(transport, streamName, deadLetterKey, options.limit ?? 10_000);
  const chosen = all.filter((letter) => (!wanted || wanted.has(letter.id)) && (options.group === undefined || letter.group === options.group));
  const ids: string[] = [];
  for (const letter of chosen) {
    const id = await transport.redrive(key, deadLetterKey, letter.id);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}
