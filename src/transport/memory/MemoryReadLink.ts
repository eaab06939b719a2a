import type { ReadLinks } from '../reading/GroupReaders';
import type { ReadLink, StreamEntries } from '../reading/ReadLink';
import type { MemoryBroker } from './MemoryBroker';
import { memoryTransportError } from './memoryTransportError';

/** How the memory transport reads: one reader per consumer of a group over all its keys (one place). */
export function memoryReadLinks(broker: MemoryBroker): ReadLinks {
  return { placeOf: () => '', open: (_key, group, consumer) => new MemoryReadLink(broker, group, consumer) };
}

/**
 * The {@link ReadLink} of a `GroupReader` on the memory broker, as `XREADGROUP` over several keys
 * reads on Redis: a read answers at once with the new entries of every key that has some; otherwise it
 * waits, without a timer (in virtual time too), until an append to one of its keys (then it answers
 * that key's entries) or an unblock (then nothing). It is always ready for a read.
 */
export class MemoryReadLink implements ReadLink {
  /** Reads start in the turn they are asked for: the broker answers at once, also in virtual time. */
  readonly startsAtOnce = true;
  /** Ends the read that waits (answering nothing). */
  private endWait: (() => void) | undefined;

  constructor(
    private readonly broker: MemoryBroker,
    private readonly group: string,
    private readonly consumer: string,
  ) {}

  readyForRead(): boolean {
    return true;
  }

  unblock(): boolean {
    if (!this.endWait) return false;
    this.endWait();
    return true;
  }

  read(keys: readonly string[], count: number, _blockMs: number | undefined, answered: (streams: StreamEntries[]) => void, failed: (error: unknown) => void): void {
    const { broker, group, consumer } = this;
    const streams = keys.map((key) => broker.stream(key));
    const now = broker.now();
    const found: StreamEntries[] = [];
    try {
      // as on Redis, a read that names a key without the group fails before it reads any key
      for (const stream of streams) stream.assertGroup(group);
      for (const [index, stream] of streams.entries()) {
        const entries = stream.readNew(group, consumer, count, now);
        if (entries.length > 0) found.push({ key: keys[index] as string, entries });
      }
    } catch (error) {
      return failed(error);
    }
    if (found.length > 0) return answered(found);
    const answer = (streamsFound: StreamEntries[]) => {
      this.endWait = undefined;
      for (const remove of removes) remove();
      answered(streamsFound);
    };
    const removes = streams.map((stream, index) => stream.wait({ group, consumer, count, resolve: (entries) => answer([{ key: keys[index] as string, entries }]) }));
    this.endWait = () => answer([]);
  }

  failure(error: unknown): unknown {
    return memoryTransportError('read', error);
  }

  close(): void {
    this.endWait?.();
  }
}
