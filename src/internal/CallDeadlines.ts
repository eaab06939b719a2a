import { EmptyError, type Observable, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * A call under way, and the observer of its source: settled once, by its first value, its error, its
 * completion without a value, or its deadline (`expire`). A class, not closures made per call (tsx,
 * with esbuild `keepNames`, names each of those).
 */
class Call<R = unknown> {
  /** Scheduler time after which it times out; set once it is watched. */
  deadline = Infinity;
  subscription: Subscription | undefined;
  settled = false;

  constructor(
    private readonly resolve: (value: R) => void,
    private readonly reject: (error: unknown) => void,
    private readonly onTimeout: () => Error,
    private readonly forget: (call: Call) => void,
  ) {}

  next(value: R): void {
    if (this.settle()) this.resolve(value);
  }

  error(error: unknown): void {
    if (this.settle()) this.reject(error);
  }

  complete(): void {
    if (this.settle()) this.reject(new EmptyError());
  }

  expire(): void {
    if (!this.settle()) return;
    this.subscription?.unsubscribe();
    this.reject(this.onTimeout());
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.forget(this as Call);
    return true;
  }
}

/**
 * The deadlines of calls under way that share one timeout (a service's `produceTimeoutMs`), watched on
 * the injected scheduler by one scheduled check at a time: a call answered in time costs an insertion
 * into a set and a deletion, not a timer of its own. When the check comes due it times out every call
 * past its deadline, and schedules itself again for the earliest deadline left; a call never brings it
 * forward, since the calls share the timeout and start in order. Deadlines are scheduler times: with
 * the default scheduler, a wall clock set forward or back moves them by as much.
 */
export class CallDeadlines {
  private readonly calls = new Set<Call>();
  private check: Subscription | undefined;
  /** Once closed, the check is cancelled whenever no call is under way (so that it keeps nothing alive). */
  private closed = false;

  /** @param ms The timeout of every call; an infinite one watches nothing. */
  constructor(
    private readonly ms: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /**
   * The first value of `source` (a call: one value, then complete), or a rejection with `onTimeout()`
   * when none came within the timeout (`source` is then unsubscribed); an `EmptyError` when it completes
   * without one. A source that answers while it is subscribed (memory, also in virtual time) is not watched.
   */
  firstWithin<R>(source: Observable<R>, onTimeout: () => Error): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const call = new Call<R>(resolve, reject, onTimeout, this.forget);
      call.subscription = source.subscribe(call);
      if (call.settled || !Number.isFinite(this.ms)) return;
      call.deadline = this.scheduler.now() + this.ms;
      this.calls.add(call as Call);
      if (!this.check) this.checkAt(call.deadline);
    });
  }

  /**
   * The service closed: the calls under way, and any still made, keep their deadlines (a connection
   * that never answers may outlive the service), but from now on no check waits while none is under way.
   */
  close(): void {
    this.closed = true;
    if (this.calls.size === 0) this.cancelCheck();
  }

  /** A call was settled: it is no longer watched. */
  private readonly forget = (call: Call): void => {
    this.calls.delete(call);
    if (this.closed && this.calls.size === 0) this.cancelCheck();
  };

  private cancelCheck(): void {
    this.check?.unsubscribe();
    this.check = undefined;
  }

  private checkAt(at: number): void {
    let ran = false;
    const check = this.scheduler.schedule(
      () => {
        ran = true;
        this.check = undefined;
        this.due();
      },
      Math.max(0, at - this.scheduler.now()),
    );
    // a scheduler that ran the check already, inside schedule(), holds nothing to wait for
    if (!ran) this.check = check;
  }

  private due(): void {
    const now = this.scheduler.now();
    let next = Infinity;
    for (const call of [...this.calls]) {
      if (call.deadline <= now) call.expire();
      else next = Math.min(next, call.deadline);
    }
    if (next < Infinity) this.checkAt(next);
  }
}
