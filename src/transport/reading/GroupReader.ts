import { timer, type SchedulerLike } from 'rxjs';
import { CLOSED, IDLE, START_QUEUED, type Answering, type Connecting, type Reading, type ReaderState } from './GroupReaderState';
import type { ReadLink, StreamEntries } from './ReadLink';
import { ReadRequests, type ReadRequest } from './ReadRequests';

export type { ReadRequest } from './ReadRequests';

/**
 * The blocking reader of one consumer of one group on one server, on every backend: one read at a time
 * through its {@link ReadLink} (on Redis, one connection and on it one `XREADGROUP GROUP g c COUNT n BLOCK
 * ms STREAMS k1 k2 … > > …`) over every key some loop wants entries of ({@link request}). Each loop asks
 * only for what its window has room for, and gets the entries of its own key. A request for a key the
 * read under way does not cover ends that read at once (on Redis `CLIENT UNBLOCK`, sent to the same
 * server), so that the next read covers it. Entries read for a key whose request was withdrawn meanwhile
 * (an interrupt) are kept for that key's next request, never more than one read's `COUNT`; when no
 * request for it comes any more they are handed to `unread`. A read is only sent while the link is
 * ready for one (on Redis, a ready connection whose client id is known).
 */
export class GroupReader {
  private state: ReaderState = IDLE;
  private readonly link: ReadLink;
  private readonly requests: ReadRequests;

  /**
   * @param openLink Opens the link; `ready` is to be called when it becomes ready for a read.
   * @param unread Told of entries read and never asked for again (the consumer handed them back).
   */
  constructor(
    openLink: (ready: () => void) => ReadLink,
    private readonly scheduler: SchedulerLike,
    unread: (key: string, ids: string[]) => void,
  ) {
    this.requests = new ReadRequests(unread);
    this.link = openLink(() => {
      if (this.state.kind !== 'reading') this.start();
    });
  }

  /** Asks for up to `request.count` new entries of `request.key`; answered from what was kept at once, or by a read. */
  request(request: ReadRequest): void {
    const { state, requests } = this;
    if (state.kind === 'closed') return request.answer([], false);
    requests.markReleased(request.key, false);
    const kept = requests.takeKept(request.key, request.count);
    if (kept) return request.answer(kept, kept.length >= request.count);
    requests.add(request);
    if (state.kind === 'reading') {
      if (!state.keys.has(request.key)) this.unblock(state);
    } else if (state.kind === 'answering') {
      // the loops this read answered ask again (reads ahead, before they decode what they got): once the
      // last of them has, read now, over all their keys, while the loops decode
      if (state.awaited?.delete(request.key) && state.awaited.size === 0) {
        state.awaited = undefined;
        this.start(true);
      }
    } else if (state.kind === 'startQueued') return;
    else if (this.link.startsAtOnce) this.start();
    else this.queueStart();
  }

  /** Withdraws a request (its loop no longer waits for it); entries a read under way brings for its key are kept. */
  withdraw(request: ReadRequest): void {
    this.requests.withdraw(request);
  }

  /**
   * Hands back what was kept for `key` (its consumer loop ended), and what the read under way brings
   * for it: kept, it would answer a later loop of this consumer for the key out of order (after another
   * consumer took the key's entries over). A read under way that covers the key is ended (`CLIENT
   * UNBLOCK`); the promise resolves once it has answered: from then on no entry of the key reaches this
   * consumer, and one that takes the key over finds all it was given in the group's pending list.
   */
  release(key: string): Promise<void> {
    let answered = Promise.resolve();
    const { state } = this;
    if (state.kind === 'reading' && state.keys.has(key)) {
      this.requests.markReleased(key);
      answered = new Promise((resolve) => state.afterRead.push(resolve));
      this.unblock(state);
    }
    this.requests.handBack(key);
    return answered;
  }

  /** Closes the connection; waiting requests are answered `[]`. Idempotent. */
  close(): void {
    if (this.state.kind === 'closed') return;
    this.cancelAlarm();
    for (const key of this.requests.keptKeys()) void this.release(key);
    this.state = CLOSED;
    for (const request of this.requests.drain()) request.answer([], false);
    this.link.close();
  }

  /** Starts a read after the requests made in the same turn have joined (a microtask, not a timer). */
  private queueStart(): void {
    this.cancelAlarm();
    this.state = START_QUEUED;
    queueMicrotask(() => {
      if (this.state !== START_QUEUED) return; // started meanwhile (the connection became ready), or closed
      this.state = IDLE;
      this.start();
    });
  }

  /**
   * Sends the next read, unless one is under way or nobody waits; while answers are handed out, only when
   * `early` (else once they are out). Waits for the connection when it is not ready. A request whose deadline
   * passed is answered `[]` first, never read for (an ordered consumer's deadline is where its lease may end).
   */
  private start(early = false): void {
    const { state } = this;
    if (state.kind === 'closed' || state.kind === 'reading' || (state.kind === 'answering' && !early) || this.requests.empty) return;
    if (this.requests.earliestDeadline() <= this.scheduler.now()) return early ? undefined : this.answerExpired();
    if (!this.link.readyForRead()) return state.kind === 'answering' ? undefined : this.waitForConnection();
    this.cancelAlarm();
    const { keys, count, deadline, partial } = this.requests.nextRead();
    // a partial read does not block: the keys it leaves out are read right after it
    const block = partial ? undefined : Math.max(1, Math.floor(deadline - this.scheduler.now()));
    const read: Reading = { kind: 'reading', keys: new Set(keys), count, unblocking: false, afterRead: [] };
    this.state = read;
    this.link.read(keys, count, block, (streams) => this.answer(read, streams), (error) => this.fail(read, error));
  }

  /** Answers `[]` to the requests whose deadline passed, then sends the next read. */
  private answerExpired(): void {
    this.cancelAlarm();
    this.handOut(undefined, () => undefined);
    this.start();
  }

  /** Hands out what `read` brought, each key's entries to its oldest request. */
  private answer(read: Reading, streams: readonly StreamEntries[]): void {
    // a read brings few keys (at most those it covers): found by a walk, without a map per read
    let awaited: Set<string> | undefined;
    for (const { key, entries } of streams) if (entries.length > 0 && read.keys.has(key) && this.requests.waits(key)) (awaited ??= new Set()).add(key);
    this.finish(read, awaited, (key) => this.requests.answerFrom(key, streams.find((stream) => stream.key === key)?.entries, read.count));
  }

  /** Fails the requests `read` covered with the transport's error (answers them `[]` when the reader closed). */
  private fail(read: Reading, error: unknown): void {
    const failure = this.state.kind === 'closed' ? undefined : this.link.failure(error);
    this.finish(read, undefined, (key) => void this.requests.failAll(key, failure));
  }

  /**
   * Ends `read`: hands out what it brought (`settle` settles a key's requests, and returns what answers
   * one later), answers expired requests, and starts the next read unless it went out early: every
   * answer comes after every key's `arrived`, so the loops ask again before any of them decodes.
   */
  private finish(read: Reading, awaited: Set<string> | undefined, settle: (key: string) => (() => void) | undefined): void {
    this.handOut(awaited, () => {
      const answers: (() => void)[] = [];
      for (const key of read.keys) {
        const answer = settle(key);
        if (answer) answers.push(answer);
        // a key released while a read sent early covers it stays marked for that read
        if (!this.covers(key)) this.requests.markReleased(key, false);
      }
      for (const answer of answers) answer();
    });
    for (const resolve of read.afterRead) resolve();
    this.start();
  }

  /** Runs `answers` in the `answering` state (unless closed), then answers expired requests; idle after, unless a read was sent early. */
  private handOut(awaited: Set<string> | undefined, answers: () => void): void {
    const answering: Answering = { kind: 'answering', awaited };
    if (this.state.kind !== 'closed') this.state = answering;
    try {
      answers();
      this.requests.expire(this.scheduler.now());
    } finally {
      if (this.state === answering) this.state = IDLE;
    }
  }

  /** Whether the read under way (if any) covers `key`. */
  private covers(key: string): boolean {
    return this.state.kind === 'reading' && this.state.keys.has(key);
  }

  /** Ends the blocked `read` so that the next one covers a key it does not (once per read). */
  private unblock(read: Reading): void {
    if (!read.unblocking && this.link.unblock()) read.unblocking = true;
  }

  /** Waits until the connection is ready and its client id known, or until the earliest request's deadline (then answers the expired ones). */
  private waitForConnection(): void {
    this.cancelAlarm();
    const connecting: Connecting = { kind: 'connecting', alarm: undefined };
    this.state = connecting;
    const wait = Math.max(0, this.requests.earliestDeadline() - this.scheduler.now());
    connecting.alarm = timer(wait, this.scheduler).subscribe(() => this.start()); // which answers the expired ones
  }

  private cancelAlarm(): void {
    if (this.state.kind === 'connecting') this.state.alarm?.unsubscribe();
  }
}
