import { pending, wait, type Awaitable, type Pending } from '../internal/coroutine';
import type { ReadEntry, StreamReader } from '../transport/StreamTransport';
import type { SubscriptionWindow } from './SubscriptionWindow';

type ReadOutcome = { readonly entries: ReadEntry[] } | { readonly error: unknown };

/**
 * A read sent ahead, and its answer, kept until the loop takes it: a reader that answers at once
 * (memory) has it there in the same frame, also in virtual time.
 */
class ReadSentAhead {
  private outcome: ReadOutcome | undefined;
  private taker: ((outcome: ReadOutcome) => void) | undefined;

  constructor(
    readonly count: number,
    reader: StreamReader,
    blockMs: number,
  ) {
    reader.request(count, blockMs, (entries) => this.settle({ entries }), (error) => this.settle({ error }));
  }

  /** Waits for the answer (there at once when it came); a failure fails the wait, and the loop's step retries. */
  answer(): Pending<ReadEntry[]> {
    return pending((answered, failed) => {
      this.onAnswer((outcome) => ('entries' in outcome ? answered(outcome.entries) : failed(outcome.error)));
      return () => (this.taker = undefined);
    });
  }

  /** Calls `taker` with the answer once it comes (at once when it came). */
  onAnswer(taker: (outcome: ReadOutcome) => void): void {
    if (this.outcome) taker(this.outcome);
    else this.taker = taker;
  }

  private settle(outcome: ReadOutcome): void {
    this.outcome = outcome;
    const { taker } = this;
    this.taker = undefined;
    taker?.(outcome);
  }
}

/**
 * The reads of new entries of one consumer loop, sized from its subscription's window. A read that
 * came back full suggests a backlog: its next read is sent at once, before its entries are decoded
 * and handed out, so the broker works on it meanwhile (see {@link takeAhead}).
 */
export class NewEntries {
  /** Whether the last read came back full: the partition has a backlog, and its reads may be larger. */
  private backlog = false;
  private ahead: ReadSentAhead | undefined;

  /**
   * @param loop The loop, as the window knows it.
   * @param stopped Whether the loop stopped: then no read is sent ahead.
   */
  constructor(
    private readonly reader: StreamReader,
    private readonly window: SubscriptionWindow,
    private readonly loop: object,
    private readonly blockMs: number,
    private readonly stopped: () => boolean,
  ) {}

  /** Whether a read was sent ahead: the loop takes it before anything else, its entries already have their room in the window. */
  get hasAhead(): boolean {
    return this.ahead !== undefined;
  }

  /** How many entries the next read asks for (0: no room); `walking` (a claim walk reads instead) does not count as a backlog. */
  count(walking: boolean): number {
    return this.window.readCount(this.loop, this.backlog && !walking);
  }

  /** Reads up to `count` new entries, blocking for up to `blockMs`. */
  *read(count: number): Generator<Awaitable<unknown>, ReadEntry[], unknown> {
    const read = pending<ReadEntry[]>((answered, failed) => this.reader.request(count, this.blockMs, answered, failed));
    return this.afterRead(count, yield* wait(read));
  }

  /** Takes the entries of the read sent ahead (waiting for them when they have not come yet). */
  *takeAhead(): Generator<Awaitable<unknown>, ReadEntry[], unknown> {
    const ahead = this.ahead as ReadSentAhead;
    this.ahead = undefined;
    return this.afterRead(ahead.count, yield* wait(ahead.answer()));
  }

  /** Ends a blocked read at once (it answers `[]`). */
  interrupt(): void {
    this.reader.interrupt();
  }

  /**
   * Closes the reader; what a read sent ahead brings after that goes to `late` (to be handed back).
   * Resolves once no read can still bring the loop entries (see `StreamReader.close`).
   */
  close(late: (entries: ReadEntry[]) => void): Promise<void> {
    this.ahead?.onAnswer((outcome) => 'entries' in outcome && late(outcome.entries));
    this.ahead = undefined;
    return this.reader.close();
  }

  /** Notes whether a read of `count` came back full (a backlog), and if so sends the next read ahead. */
  private afterRead(count: number, entries: ReadEntry[]): ReadEntry[] {
    this.backlog = entries.length === count;
    if (this.backlog) this.readAhead(entries.length);
    return entries;
  }

  /**
   * Sends the next read before `admitting` entries are handed out. It asks only for what the window
   * has room for once they are counted, so `maxInFlight` still bounds what is held.
   */
  private readAhead(admitting: number): void {
    if (this.stopped()) return;
    const count = this.window.readCount(this.loop, true, admitting);
    if (count <= 0) return;
    this.ahead = new ReadSentAhead(count, this.reader, this.blockMs);
  }
}
