import { pending, wait, type Awaitable, type Pending } from '../internal/coroutine';
import type { ReadEntry, StreamReader } from '../transport/StreamTransport';
import type { SubscriptionWindow } from './SubscriptionWindow';

type ReadOutcome = { readonly entries: ReadEntry[]; readonly more: boolean } | { readonly error: unknown };

/**
 * A read sent ahead, and its answer, kept until the loop takes it: a reader that answers at once
 * (memory) has it there in the same frame, also in virtual time.
 */
class ReadSentAhead {
  private outcome: ReadOutcome | undefined;
  private taker: ((outcome: ReadOutcome) => void) | undefined;
  /** Whether its entries were looked at when they arrived (see `NewEntries.lookAt`); if not, the loop does when it takes them. */
  looked = false;

  constructor(
    count: number,
    reader: StreamReader,
    blockMs: number,
    arrived: (read: ReadSentAhead, entries: ReadEntry[], more: boolean) => void,
  ) {
    let sent = false;
    // an answer within `request` (memory) is looked at when taken: the loop is still sending this read
    reader.request(count, blockMs, (entries, more) => this.settle({ entries, more }), (error) => this.settle({ error }), (entries, more) => sent && arrived(this, entries, more));
    sent = true;
  }

  /** Waits for the answer (there at once when it came); a failure fails the wait, and the loop's step retries. */
  answer(): Pending<{ readonly entries: ReadEntry[]; readonly more: boolean }> {
    return pending((answered, failed) => {
      this.onAnswer((outcome) => ('entries' in outcome ? answered(outcome) : failed(outcome.error)));
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
   * @param blockMs How long the next read may block; 0: no read may be sent (the loop may no longer read).
   * @param stopped Whether the loop stopped: then no read is sent ahead.
   */
  constructor(
    private readonly reader: StreamReader,
    private readonly window: SubscriptionWindow,
    private readonly loop: object,
    private readonly blockMs: () => number,
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

  /** Reads up to `count` new entries, blocking for up to `blockMs`; none when no read may be sent. */
  *read(count: number): Generator<Awaitable<unknown>, ReadEntry[], unknown> {
    const blockMs = this.blockMs();
    if (blockMs <= 0) return [];
    let looked = false;
    // callbacks written in place: tsx (esbuild keepNames) names a closure held in a variable, once per read
    const read = pending<{ entries: ReadEntry[]; more: boolean }>((answered, failed) =>
      this.reader.request(count, blockMs, (entries, more) => answered({ entries, more }), failed, (entries, more) => void (looked = this.lookAt(entries, more))),
    );
    const { entries, more } = yield* wait(read);
    return looked ? entries : this.afterRead(entries, more);
  }

  /** Takes the entries of the read sent ahead (waiting for them when they have not come yet). */
  *takeAhead(): Generator<Awaitable<unknown>, ReadEntry[], unknown> {
    const ahead = this.ahead as ReadSentAhead;
    this.ahead = undefined;
    const { entries, more } = yield* wait(ahead.answer());
    return ahead.looked ? entries : this.afterRead(entries, more);
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

  /** Notes whether a read came back full (`more`: a backlog), and if so sends the next read ahead. */
  private afterRead(entries: ReadEntry[], more: boolean): ReadEntry[] {
    this.backlog = more;
    if (more) this.readAhead(entries.length);
    return entries;
  }

  /**
   * A read's entries arrived, before the loop takes them: it does {@link afterRead} now, so that a
   * shared read over several loops' keys is followed by the next one before any of them decodes.
   * Not while an earlier read sent ahead is still to be taken (the loop then does it when it takes
   * this one); returns whether it did.
   */
  private lookAt(entries: ReadEntry[], more: boolean): boolean {
    if (this.ahead) return false;
    this.afterRead(entries, more);
    return true;
  }

  /**
   * Sends the next read before `admitting` entries are handed out. It asks only for what the window
   * has room for once they are counted, so `maxInFlight` still bounds what is held.
   */
  private readAhead(admitting: number): void {
    const blockMs = this.blockMs();
    if (this.stopped() || blockMs <= 0) return;
    const count = this.window.readCount(this.loop, true, admitting);
    if (count <= 0) return;
    this.ahead = new ReadSentAhead(count, this.reader, blockMs, (read, entries, more) => {
      // `read` is taken already (the loop waits for it) or still `ahead`: then nothing newer was sent
      if (this.ahead === read) return;
      read.looked = this.lookAt(entries, more);
    });
  }
}
