import { timer, type Observable, type SchedulerLike, type Subscription } from 'rxjs';

/** A call waiting for its answer; `settled` once it answered or timed out. */
interface Waiting {
  readonly due: number;
  settled: boolean;
  expire: () => void;
}

/** Settled calls skipped at the head of the queue before it is compacted. */
const COMPACT_AFTER = 1024;

/**
 * One deadline, `ms` on `scheduler`, for many calls: each call that does not answer at once joins a
 * queue (calls join in the order of their deadlines), and one alarm waits for the oldest call that
 * has not answered yet. A call that answers only marks itself settled, and the last one waiting cancels
 * the alarm (so nothing keeps the process alive once every call has answered). So a steady flow of
 * calls costs one queue entry per call and about one alarm per `ms`, where a timer per call would cost
 * a timer's start and cancellation each time.
 */
export class SharedDeadline {
  private queue: Waiting[] = [];
  private head = 0;
  /** Calls in the queue that have not answered yet. */
  private waiting = 0;
  private alarm: Subscription | undefined;

  constructor(
    private readonly ms: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /**
   * Resolves with the first value of `source` (`undefined` if it completes empty), or rejects with its
   * error, or with `onTimeout()` once `ms` passed first (then `source` is unsubscribed). A source that
   * answers while it is subscribed (an in-memory broker) never starts a deadline, also in virtual time.
   */
  race<R>(source: Observable<R>, onTimeout: () => Error): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queued = false;
      const waiting: Waiting = { due: this.scheduler.now() + this.ms, settled: false, expire: () => undefined };
      const answered = () => {
        if (waiting.settled) return;
        waiting.settled = true;
        if (queued) this.answered();
      };
      const subscription = source.subscribe({
        next: (value) => (answered(), resolve(value)),
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the source's own error, passed on as it is
        error: (error: unknown) => (answered(), reject(error)),
        complete: () => (answered(), resolve(undefined as R)),
      });
      if (waiting.settled || !Number.isFinite(this.ms)) return;
      waiting.expire = () => {
        subscription.unsubscribe();
        reject(onTimeout());
      };
      queued = true;
      this.waiting++;
      this.queue.push(waiting);
      if (!this.alarm) this.arm();
    });
  }

  /** A queued call answered: once none is left waiting, the alarm and the queue go. */
  private answered(): void {
    if (--this.waiting > 0) return;
    this.alarm?.unsubscribe();
    this.alarm = undefined;
    this.queue = [];
    this.head = 0;
  }

  /** Sets the alarm for the oldest call still waiting, if any. */
  private arm(): void {
    while (this.head < this.queue.length && (this.queue[this.head] as Waiting).settled) this.head++;
    this.compact();
    const next = this.queue[this.head];
    if (!next) return;
    this.alarm = timer(Math.max(0, next.due - this.scheduler.now()), this.scheduler).subscribe(() => this.ring());
  }

  /** Times out every waiting call whose deadline passed, then waits for the next. */
  private ring(): void {
    this.alarm = undefined;
    const now = this.scheduler.now();
    while (this.head < this.queue.length) {
      const call = this.queue[this.head] as Waiting;
      if (!call.settled && call.due > now) break;
      this.head++;
      if (call.settled) continue;
      call.settled = true;
      this.waiting--;
      call.expire();
    }
    this.arm();
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
