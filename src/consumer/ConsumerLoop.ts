import { AsyncSubject, catchError, defaultIfEmpty, Observable, of, Subscription, timer, type Subscriber } from 'rxjs';
import { RxRedisEventsError } from '../errors/RxRedisEventsError';
import { runCoroutine, wait, type Awaitable, type Coroutine } from '../internal/coroutine';
import type { PendingClaims, ReadEntry, StreamReader } from '../transport/StreamTransport';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { Delivery } from './Delivery';
import { InFlight } from './InFlight';
import { KeyGate } from '../ordering/KeyGate';
import type { ConsumerRun } from './ConsumerRun';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import { LeaseRenewal } from './LeaseRenewal';
import { expireIdleConsumers } from './consumerExpiry';

const MAX_RETRY_PAUSE_MS = 1000;
/** Longest a consumer whose window was full waits for more room before it reads what is free. */
const REFILL_PAUSE_MS = 20;

/**
 * One consumer of a group: reads only as many entries as `maxInFlight` leaves room for, blocking on
 * the broker; redelivers its nacked entries after their delay; walks the group's pending list for
 * entries other consumers left idle. Deliveries it emitted stay valid after `stop()`.
 */
export class ConsumerLoop<T> implements ConsumerRun {
  private readonly inFlight: InFlight<T>;
  /** Renews what the consumer holds, until it is settled (also after `stop()`) or abandoned. */
  private readonly leases: LeaseRenewal<T>;
  /** With `ordered`: holds back a delivery while another of its key is un-acked. */
  private readonly gate: KeyGate<T> | undefined;
  private readonly timers = new Subscription();
  private coroutine: Subscription | undefined;
  private reader: StreamReader | undefined;
  private wake: (() => void) | undefined;
  private claimCursor: string | undefined;
  /** The walk that takes over a partition's whole pending list (ordered consumers, after taking its lease). */
  private takeover = false;
  private refilling = false;
  private refillBy: number | undefined;
  private stopped = false;
  private settledWaiters: (() => void)[] = [];
  /** A read sent ahead while the previous one's entries were handed out (see `readAhead`); its reply is kept until taken. */
  private ahead: { readonly count: number; readonly reply: AsyncSubject<ReadEntry[]> } | undefined;
  /** The backend's claims, when it has them: without, it redelivers un-acked entries itself and the loop claims nothing. */
  private readonly claims: PendingClaims | undefined;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly subscriber: Subscriber<Delivery<T>>,
  ) {
    const gate = options.ordered ? new KeyGate<T>((delivery) => subscriber.next(delivery)) : undefined;
    this.gate = gate;
    this.inFlight = new InFlight(ctx, target, options, {
      emit: gate ? (delivery) => gate.admit(delivery) : (delivery) => subscriber.next(delivery),
      roomFreed: () => (this.kick(false), this.checkSettled()),
      redeliveryDue: () => this.kick(),
      acksAnswered: () => this.checkSettled(),
      ...(gate ? { done: (id: string) => gate.done(id) } : {}),
    });
    this.leases = new LeaseRenewal(ctx, target, options, this.inFlight);
    this.claims = ctx.transport.capabilities.claims;
  }

  /** Starts reading; failures of the broker are reported and retried, never thrown. */
  start(): void {
    this.coroutine = runCoroutine(this.run(), (error) => this.subscriber.error(error));
  }

  /**
   * Stops reading and cancels timers; nacked entries stay pending on the broker. Deliveries still
   * with their handler keep their lease until they are settled (or `abandon()`). Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.unsubscribe();
    this.inFlight.release();
    this.leases.finish();
    if (this.gate) this.inFlight.returnUnemitted(this.gate.drain().map((delivery) => delivery.id));
    this.coroutine?.unsubscribe();
    // entries a read sent ahead brings after the stop are handed back (marked idle for the group), not left with this consumer
    this.ahead?.reply.subscribe({ next: (entries) => this.admit(entries), error: () => undefined });
    this.ahead = undefined;
    this.reader?.close();
    this.checkSettled();
  }

  /** Stops renewing the leases of deliveries still unsettled: they go idle and are taken over. Idempotent. */
  abandon(): void {
    this.leases.stop();
  }

  /** Deliveries emitted and not acked yet (with a handler, or nacked and waiting for redelivery). */
  get inFlightCount(): number {
    return this.options.maxInFlight - this.inFlight.room;
  }

  /** Resolves once every emitted delivery has been acked (and the broker has answered the ack) or nacked. */
  whenSettled(): Promise<void> {
    return new Promise((resolve) => {
      this.settledWaiters.push(resolve);
      this.checkSettled();
    });
  }

  private *run(): Coroutine {
    const { transport, group } = this.ctx;
    const { key, consumer } = this.target;
    yield* this.retrying(() => wait(transport.ensureGroup(key, group, this.options.from)));
    if (this.stopped) return;
    this.reader = transport.openReader(key, group, consumer);
    const { claims } = this;
    if (claims && this.options.ordered) {
      // the partition's lease holder takes over everything pending, oldest first, before it reads anything new
      this.takeover = true;
      this.claimCursor = '0-0';
    } else if (claims) {
      yield* this.retrying(function* (this: ConsumerLoop<T>) {
        this.admitClaimed('own', yield* wait(claims.claimOwn(key, group, consumer, this.inFlight.room)));
      }.bind(this));
    }
    const { claimIdleAfterMs, scheduler } = this.options;
    if (claims && Number.isFinite(claimIdleAfterMs)) {
      const period = Math.max(claimIdleAfterMs / 2, 50);
      this.timers.add(timer(0, period, scheduler).subscribe(() => ((this.claimCursor ??= '0-0'), this.kick())));
    }
    this.leases.start();
    this.timers.add(expireIdleConsumers(this.ctx, this.target, scheduler));
    while (!this.stopped && !this.subscriber.closed) yield* this.retrying(() => this.step());
  }

  private *step(): Coroutine {
    const { transport, group } = this.ctx;
    const { key, consumer } = this.target;
    const ahead = this.ahead;
    if (ahead) {
      this.ahead = undefined; // taken first: its entries already have their room in the window
      return this.admitRead(ahead.count, yield* wait(ahead.reply));
    }
    const due = this.inFlight.takeDue();
    if (due.length > 0) {
      const entries = yield* wait(transport.claimIds(key, group, consumer, due));
      const back = new Set(entries.map((entry) => entry.id));
      for (const id of due) if (!back.has(id)) this.inFlight.forget(id); // acked or taken over meanwhile
      return this.admit(entries);
    }
    const room = this.inFlight.room;
    if (this.mustWaitForRoom(room)) return yield* this.sleep(room <= 0 ? Infinity : (this.refillBy as number) - this.options.scheduler.now());
    if (this.claims && this.claimCursor !== undefined) {
      const { claimIdleAfterMs, maxDeliveries } = this.options;
      const request = { minIdleMs: this.takeover ? 0 : claimIdleAfterMs, count: room, cursor: this.claimCursor, holding: this.inFlight.holding(), maxDeliveries };
      const result = yield* wait(this.claims.claimIdle(key, group, consumer, request));
      this.claimCursor = result.cursor === '0-0' ? undefined : result.cursor;
      if (this.claimCursor === undefined) this.takeover = false;
      return this.admitClaimed('idle', result.entries);
    }
    const count = this.readSize(room);
    this.admitRead(count, yield* wait((this.reader as StreamReader).read(count, this.options.blockMs)));
  }

  /** Admits what a read of `count` returned, first sending the next read when this one came back full. */
  private admitRead(count: number, entries: ReadEntry[]): void {
    if (entries.length === count) this.readAhead(entries.length);
    this.admit(entries);
  }

  /** How many entries one read asks for: half the window at most, so that the next read can be under way while these are handled. */
  private readSize(room: number): number {
    return Math.min(room, Math.ceil(this.options.maxInFlight / 2));
  }

  /**
   * A read that came back full suggests a backlog: the next read is sent before this one's entries
   * are decoded and handed out, so the broker works on it meanwhile. It asks only for what the window
   * has room for once `admitting` entries are counted, so `maxInFlight` still bounds what is held.
   * The reply is kept in a subject, not a promise: a reader that answers at once (memory) has it there
   * in the same frame, also in virtual time.
   */
  private readAhead(admitting: number): void {
    if (this.stopped) return;
    const count = this.readSize(this.inFlight.room - admitting);
    if (count <= 0) return;
    const reply = new AsyncSubject<ReadEntry[]>();
    // a failure reaches the next step through the subject, and that step retries
    (this.reader as StreamReader).read(count, this.options.blockMs).pipe(defaultIfEmpty([] as ReadEntry[])).subscribe(reply);
    this.ahead = { count, reply };
  }

  /**
   * After the window was full, reading resumes once half of it is free, or `REFILL_PAUSE_MS` after
   * the first slot freed: a slow handler then costs one read per many events, not one per event.
   */
  private mustWaitForRoom(room: number): boolean {
    const { maxInFlight, scheduler } = this.options;
    if (room <= 0) {
      this.refilling = true;
      this.refillBy = undefined;
      return true;
    }
    if (!this.refilling) return false;
    this.refillBy ??= scheduler.now() + REFILL_PAUSE_MS;
    if (room >= Math.ceil(maxInFlight / 2) || scheduler.now() >= this.refillBy) {
      this.refilling = false;
      this.refillBy = undefined;
      return false;
    }
    return true;
  }

  private admitClaimed(source: 'own' | 'idle', entries: ReadEntry[]): void {
    const { instrument } = this.ctx;
    if (entries.length > 0 && instrument.on) instrument.emit({ type: 'consumer.claimed', stream: this.target.stream.name, consumer: this.target.consumer, source, ids: entries.map((entry) => entry.id) });
    this.admit(entries);
  }

  private admit(entries: Parameters<InFlight<T>['admit']>[0]): void {
    this.inFlight.admit(entries, () => this.stopped || this.subscriber.closed);
  }

  /**
   * Runs `work`, reporting a failure and retrying after a growing pause until it succeeds or the loop
   * stops. A library error that is not retriable (a permission the broker refuses) ends the subscription with it.
   */
  private *retrying(work: () => Generator<Awaitable<unknown>, unknown, unknown>): Coroutine {
    for (let failures = 0; !this.stopped; failures++) {
      try {
        yield* work();
        return;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof RxRedisEventsError && !error.retriable) throw error; // ends the subscription: retrying cannot help
        this.ctx.report(error);
        yield* this.sleep(Math.min(100 * 2 ** failures, MAX_RETRY_PAUSE_MS));
        // A group that vanished (FLUSHALL, key deleted) is created again from the stream's start: nothing written since is skipped.
        const start = /NOGROUP/.test(String(error instanceof Error && error.cause instanceof Error ? error.cause.message : error)) ? 'start' : this.options.from;
        yield* wait(this.ctx.transport.ensureGroup(this.target.key, this.ctx.group, start).pipe(catchError(() => of(undefined))));
      }
    }
  }

  /** Waits for `ms` (through the scheduler) or until something wakes the loop. */
  private *sleep(ms: number): Coroutine {
    yield new Observable<void>((subscriber) => {
      this.wake = () => subscriber.next();
      const pause = Number.isFinite(ms) ? timer(ms, this.options.scheduler).subscribe(() => subscriber.next()) : undefined;
      return () => {
        pause?.unsubscribe();
        this.wake = undefined;
      };
    });
  }

  /** Wakes a sleeping loop and, unless told otherwise, ends a blocked read so new work is seen at once. */
  private kick(interruptRead = true): void {
    this.wake?.();
    if (interruptRead) this.reader?.interrupt();
  }

  private checkSettled(): void {
    if (!this.inFlight.settled) return;
    if (this.stopped) this.leases.stop();
    if (this.settledWaiters.length === 0) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
