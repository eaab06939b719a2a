import { toRedrivenFields } from '../../deadLetters/deadLetterFields';
import { parseStreamId } from '../../internal/streamId';
import type { StreamSnapshot } from '../StreamSnapshot';
import type { GroupAdmin, StreamAdmin } from '../streamCapabilities';
import type { GroupMove, StoredEntry, TrimLimits } from '../streamEntries';
import type { MemoryBroker } from './MemoryBroker';
import { memoryTransportError } from './memoryTransportError';

/**
 * {@link StreamAdmin} and {@link GroupAdmin} over a {@link MemoryBroker}: reads and maintains streams
 * outside any group (describe, read, last id, trim, dead letters, redrive), and moves and removes
 * groups. Each operation takes effect on the call; its promise is settled then.
 */
export class MemoryStreamAdmin implements StreamAdmin, GroupAdmin {
  /** Admin of the streams and groups of `broker`. */
  constructor(private readonly broker: MemoryBroker) {}

  /** The dead-letter stream's entries from the oldest, at most `count`; none when it is missing. */
  readDeadLetters(deadLetterKey: string, count: number): Promise<StoredEntry[]> {
    return this.run('readDeadLetters', () => this.broker.existingStream(deadLetterKey)?.range(count) ?? []);
  }

  /** The entries after `after`, at most `count` (`XRANGE`); none when the stream is missing. */
  readAfter(key: string, after: string, count: number): Promise<StoredEntry[]> {
    return this.run('readAfter', () => {
      const sid = parseStreamId(after);
      if (!sid) throw new Error(`Invalid stream ID specified as stream command argument: ${after}`);
      return this.broker.existingStream(key)?.rangeAfter(sid, count) ?? [];
    });
  }

  /** The id of the stream's last entry; `undefined` when it is missing or empty. */
  lastId(key: string): Promise<string | undefined> {
    return this.run('lastId', () => this.broker.existingStream(key)?.lastId());
  }

  /** Appends the entry the dead letter puts back (see `toRedrivenFields`) to `key`, serving blocked readers, and deletes the letter; `undefined` when there is no such letter or it holds no original fields. */
  redrive(key: string, deadLetterKey: string, id: string): Promise<string | undefined> {
    return this.run('redrive', () => {
      const deadLetters = this.broker.existingStream(deadLetterKey);
      const entry = deadLetters?.range(Number.MAX_SAFE_INTEGER).find((candidate) => candidate.id === id);
      const fields = entry && toRedrivenFields(entry.fields);
      if (!deadLetters || !fields) return undefined;
      const stream = this.broker.stream(key);
      const newId = stream.append(fields, this.broker.now());
      deadLetters.delete(id);
      stream.serveWaiters(this.broker.now());
      return newId;
    });
  }

  /** Trims the stream by `limits` (see `MemoryStream.trim`); 0 when it is missing. */
  trim(key: string, limits: TrimLimits): Promise<number> {
    return this.run('trim', () => this.broker.existingStream(key)?.trim(limits) ?? 0);
  }

  /** Moves the group's last delivered id (`XGROUP SETID`); false when the stream or the group is missing. */
  moveGroup(key: string, group: string, to: GroupMove): Promise<boolean> {
    return this.run('moveGroup', () => this.broker.existingStream(key)?.moveGroup(group, to) ?? false);
  }

  /** Destroys the group (`XGROUP DESTROY`); false when the stream or the group is missing. */
  removeGroup(key: string, group: string): Promise<boolean> {
    return this.run('removeGroup', () => this.broker.existingStream(key)?.removeGroup(group) ?? false);
  }

  /** The stream's snapshot by the broker's clock, with the dead-letter stream's length; a missing stream describes as empty. */
  describe(key: string, deadLetterKey: string): Promise<StreamSnapshot> {
    return this.run('describe', () => {
      const deadLetters = this.broker.existingStream(deadLetterKey)?.length ?? 0;
      const stream = this.broker.existingStream(key);
      if (!stream) return { length: 0, firstId: undefined, lastId: undefined, groups: [], deadLetters };
      return { ...stream.snapshot(this.broker.now()), deadLetters };
    });
  }

  /** A promise settled now with what `work` returns, or rejected with its failure as a {@link memoryTransportError}. */
  private run<R>(operation: string, work: () => R): Promise<R> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(memoryTransportError(operation, error));
    }
  }
}
