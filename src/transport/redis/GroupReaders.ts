import calculateSlot from 'cluster-key-slot';
import type { SchedulerLike } from 'rxjs';
import type { RedisConnections } from './connect';
import { GroupReader } from './GroupReader';

/**
 * The {@link GroupReader}s of a transport: one per consumer of a group and server, shared by every
 * key that consumer reads there, whatever the number of streams and partitions. On a cluster, one per
 * consumer and slot: Redis refuses a command over keys of several slots (`CROSSSLOT`), even on one
 * master. A reader no key uses any more is closed.
 */
export class GroupReaders {
  private readonly readers = new Map<string, { readonly reader: GroupReader; readonly users: Set<object> }>();
  private ended = false;

  /**
   * @param handBack Gives entries a reader read for a consumer and nobody asked for again back to the
   * group (marks them idle, so that a claim walk takes them over).
   */
  constructor(
    private readonly connections: RedisConnections,
    private readonly scheduler: SchedulerLike,
    private readonly handBack: (key: string, group: string, consumer: string, ids: string[]) => void,
  ) {}

  /** Whether {@link close} was called: no reader is opened any more. */
  get closed(): boolean {
    return this.ended;
  }

  /** The reader `user` reads `key` through now (on a cluster, that of the key's master and slot); `user` holds it until {@link leave}. */
  use(user: object, key: string, group: string, consumer: string): GroupReader {
    const where = this.connections.cluster ? `${this.connections.nodeOf(key)}\u0000${calculateSlot(key)}` : '';
    const id = `${where}\u0000${group}\u0000${consumer}`;
    let entry = this.readers.get(id);
    if (!entry) {
      const unread = (readKey: string, ids: string[]) => this.handBack(readKey, group, consumer, ids);
      entry = { reader: new GroupReader(this.connections, key, group, consumer, this.scheduler, unread), users: new Set() };
      this.readers.set(id, entry);
    }
    entry.users.add(user);
    return entry.reader;
  }

  /** `user` no longer reads through `reader`; the last user's leaving closes it. */
  leave(user: object, reader: GroupReader): void {
    for (const [id, entry] of this.readers) {
      if (entry.reader !== reader) continue;
      entry.users.delete(user);
      if (entry.users.size > 0) return;
      this.readers.delete(id);
      reader.close();
      return;
    }
  }

  /** Closes every reader. */
  close(): void {
    this.ended = true;
    for (const { reader } of this.readers.values()) reader.close();
    this.readers.clear();
  }
}
