import type { ReadAnswer, ReadEntry } from '../StreamTransport';

/** The `COUNT` of a read only requests for any number of entries (`count: Infinity`, a wake stream's) wait for. */
export const ANY_COUNT_READ = 100;

/** One consumer loop's wish for new entries of one stream key. */
export interface ReadRequest {
  readonly key: string;
  /** Most entries wanted; `Infinity`: any number, so the request never sizes a read nor is left out of one. */
  readonly count: number;
  /** Scheduler time after which the request is answered `[]` if nothing came; no read for it is sent from then on. */
  readonly deadline: number;
  readonly answer: ReadAnswer;
  readonly fail: (error: unknown) => void;
  /** Told of the entries a read brought before the read's answers are handed out (see {@link ReadRequests.answerFrom}). */
  readonly arrived?: ReadAnswer | undefined;
}

/** What the next shared read covers (see {@link ReadRequests.nextRead}). */
export interface NextRead {
  readonly keys: string[];
  /** The `COUNT` of the read, which applies to each key. */
  readonly count: number;
  /** The earliest deadline of the requests waiting. */
  readonly deadline: number;
  /** Whether keys that wait were left out: then the read does not block. */
  readonly partial: boolean;
}

/**
 * The requests a {@link GroupReader} answers, by key, and the entries it read for a key whose request
 * was gone when they came (kept for that key's next request, or handed to `unread` when none comes).
 */
export class ReadRequests {
  /** Requests waiting for entries, by key, oldest first. */
  private readonly waiting = new Map<string, ReadRequest[]>();
  /** Entries read for a key whose request was gone when they came. */
  private readonly kept = new Map<string, ReadEntry[]>();
  /** Keys released while a read under way covers them: what it brings for them is handed back, not kept. */
  private readonly released = new Set<string>();
  /** The last read left keys out (see {@link nextRead}). */
  private partial = false;

  /** @param unread Told of entries read and never asked for again (the consumer handed them back). */
  constructor(private readonly unread: (key: string, ids: string[]) => void) {}

  /** Whether no request waits. */
  get empty(): boolean {
    return this.waiting.size === 0;
  }

  /** Whether a request for `key` waits. */
  waits(key: string): boolean {
    return this.waiting.has(key);
  }

  /** Takes up to `count` entries kept for `key`; `undefined` when none are kept. */
  takeKept(key: string, count: number): ReadEntry[] | undefined {
    const kept = this.kept.get(key);
    if (!kept) return undefined;
    const entries = kept.splice(0, count);
    if (kept.length === 0) this.kept.delete(key);
    return entries;
  }

  /** Queues `request` behind the others of its key. */
  add(request: ReadRequest): void {
    const queue = this.waiting.get(request.key);
    if (queue) queue.push(request);
    else this.waiting.set(request.key, [request]);
  }

  /** Takes `request` out of its queue, if it is still there. */
  withdraw(request: ReadRequest): void {
    const queue = this.waiting.get(request.key);
    const index = queue?.indexOf(request) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    if (queue.length === 0) this.waiting.delete(request.key);
  }

  /** Marks `key` released (or, `false`, no longer): what a read brings for it and nobody asks for is handed back. */
  markReleased(key: string, released = true): void {
    if (released) this.released.add(key);
    else this.released.delete(key);
  }

  /** Hands what was kept for `key` to `unread`. */
  handBack(key: string): void {
    const kept = this.kept.get(key);
    if (!kept) return;
    this.kept.delete(key);
    this.unread(key, kept.map((entry) => entry.id));
  }

  /** The keys entries are kept for. */
  keptKeys(): string[] {
    return [...this.kept.keys()];
  }

  /**
   * The keys of the next read and its `COUNT`: no more than any of them asked for. Keys that asked for
   * less than half of the largest request are left out (the read is partial), so that one nearly full
   * window does not shrink everyone's reads; the read after a partial one covers every key, so none
   * waits more than one read. A key whose requests take any number of entries joins every read and
   * takes its `COUNT`.
   */
  nextRead(): NextRead {
    if (this.waiting.size === 1) return this.readOfOne();
    const wanted: { key: string; count: number }[] = [];
    let largest = 1;
    for (const [key, queue] of this.waiting) {
      let count = Infinity;
      for (const request of queue) count = Math.min(count, request.count);
      wanted.push({ key, count: Math.max(1, count) });
      if (count !== Infinity) largest = Math.max(largest, count);
    }
    const chosen = this.partial ? wanted : wanted.filter((key) => key.count * 2 >= largest);
    let count = Infinity;
    for (const key of chosen) count = Math.min(count, key.count);
    this.partial = chosen.length < wanted.length;
    return { keys: chosen.map((key) => key.key), count: count === Infinity ? ANY_COUNT_READ : count, deadline: this.earliestDeadline(), partial: this.partial };
  }

  /** {@link nextRead} when one key waits (a consumer of one stream): its read, without the lists that choose among keys. */
  private readOfOne(): NextRead {
    const [key, queue] = this.waiting.entries().next().value as [string, ReadRequest[]];
    let count = Infinity;
    let deadline = Infinity;
    for (const request of queue) {
      count = Math.min(count, request.count);
      deadline = Math.min(deadline, request.deadline);
    }
    this.partial = false;
    return { keys: [key], count: count === Infinity ? ANY_COUNT_READ : Math.max(1, count), deadline, partial: false };
  }

  /** The earliest deadline of the requests waiting (`Infinity` when none waits). */
  earliestDeadline(): number {
    let deadline = Infinity;
    for (const queue of this.waiting.values()) for (const request of queue) deadline = Math.min(deadline, request.deadline);
    return deadline;
  }

  /**
   * Takes the oldest request of `key` out of its queue with the entries a read brought for it (no more
   * than it asked for: the rest is kept), tells its `arrived`, and returns what answers it; or keeps
   * the entries when none waits, or hands them back when the key was released. The request has left
   * the queue by then, so its loop can ask again at once, also from `arrived`. `readCount` is the
   * read's `COUNT`: a key that got that many may hold more.
   */
  answerFrom(key: string, entries: ReadEntry[] | undefined, readCount: number): (() => void) | undefined {
    if (!entries || entries.length === 0) return undefined;
    const more = entries.length >= readCount;
    const queue = this.waiting.get(key);
    const first = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(key);
    if (first === undefined && this.released.has(key)) return void this.unread(key, entries.map((entry) => entry.id));
    const rest = first === undefined ? entries : entries.slice(first.count);
    if (rest.length > 0) {
      const kept = this.kept.get(key);
      if (kept) kept.push(...rest);
      else this.kept.set(key, rest);
    }
    if (first === undefined) return undefined;
    const answer = rest.length > 0 ? entries.slice(0, first.count) : entries;
    first.arrived?.(answer, more);
    return () => first.answer(answer, more);
  }

  /** Fails every request of `key` with `failure`, or answers them `[]` without one. */
  failAll(key: string, failure: unknown): void {
    const requests = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    for (const request of requests) {
      if (failure) request.fail(failure);
      else request.answer([], false);
    }
  }

  /** Answers `[]` to requests whose deadline is at or before `now` (after every read: a walk that allocates nothing when none is due). */
  expire(now: number): void {
    let due: ReadRequest[] | undefined;
    for (const queue of this.waiting.values()) for (const request of queue) if (request.deadline <= now) (due ??= []).push(request);
    if (!due) return;
    for (const request of due) this.withdraw(request);
    for (const request of due) request.answer([], false);
  }

  /** Takes every waiting request out (the reader closes). */
  drain(): ReadRequest[] {
    const waiting = [...this.waiting.values()].flat();
    this.waiting.clear();
    return waiting;
  }
}
