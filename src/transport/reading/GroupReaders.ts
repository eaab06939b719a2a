import type { SchedulerLike } from 'rxjs';
import { GroupReader } from './GroupReader';
import type { ReadLink } from './ReadLink';

/** How long entries a reader read but nobody asked for again count as idle when handed back (below the clock's value, which XCLAIM requires). */
export const HANDED_BACK_IDLE_MS = 365 * 24 * 60 * 60 * 1000;

/** How a transport reads: where a key is read, and the link of a reader there. */
export interface ReadLinks {
  /**
   * The place a key is read from: keys of one place share a reader (per consumer). On Redis, the
   * server; on a cluster, the master and the slot.
   */
  placeOf(key: string): string;
  /** Opens the link of a reader of `key`'s place for `consumer` of `group`; `ready` is called when it becomes ready for a read. */
  open(key: string, group: string, consumer: string, ready: () => void): ReadLink;
}

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
    private readonly links: ReadLinks,
    private readonly scheduler: SchedulerLike,
    private readonly handBack: (key: string, group: string, consumer: string, ids: string[]) => void,
  ) {}

  /** Whether {@link close} was called: no reader is opened any more. */
  get closed(): boolean {
    return this.ended;
  }

  /** Where `key` is read now (see {@link ReadLinks.placeOf}): a reader of another place is another reader. */
  placeOf(key: string): string {
    return this.links.placeOf(key);
  }

  /** The reader `user` reads `key` through now (on a cluster, that of the key's master and slot); `user` holds it until {@link leave}. */
  use(user: object, key: string, group: string, consumer: string): GroupReader {
    const id = `${this.placeOf(key)}\u0000${group}\u0000${consumer}`;
    let entry = this.readers.get(id);
    if (!entry) {
      const unread = (readKey: string, ids: string[]) => this.handBack(readKey, group, consumer, ids);
      entry = { reader: new GroupReader((ready) => this.links.open(key, group, consumer, ready), this.scheduler, unread), users: new Set() };
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
