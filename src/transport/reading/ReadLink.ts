import type { ReadEntry } from '../streamEntries';

/** The entries one read brought for one of its keys. */
export interface StreamEntries {
  readonly key: string;
  readonly entries: ReadEntry[];
}

/**
 * The broker side of a {@link GroupReader}: sends one read of new entries over several keys at a time
 * for one consumer of one group, as `XREADGROUP … STREAMS k1 k2 … > > …` does on Redis.
 */
export interface ReadLink {
  /**
   * Whether a read starts in the turn it is asked for. A broker that answers at once (memory, also in
   * virtual time) says so; otherwise a read starts after the requests of the same turn joined it.
   */
  readonly startsAtOnce: boolean;
  /** Whether a read can be sent now. */
  readyForRead(): boolean;
  /** Ends the read under way at once (it answers what it has, or nothing); false when it cannot. */
  unblock(): boolean;
  /**
   * Reads up to `count` new entries of each key (blocking up to `blockMs` when given, until one of
   * them has some), then tells `answered` the entries by key, or `failed` why the read failed.
   */
  read(keys: readonly string[], count: number, blockMs: number | undefined, answered: (streams: StreamEntries[]) => void, failed: (error: unknown) => void): void;
  /** The error a failed read is reported with. */
  failure(error: unknown): unknown;
  /** Closes the link; a read under way answers nothing. */
  close(): void;
}
