import { AsyncSubject, defaultIfEmpty, Observable, Subscription, timer, type Subscriber } from 'rxjs';
import { runCoroutine, wait, type Coroutine } from '../internal/coroutine';
import type { PendingClaims, ReadEntry, StreamReader } from '../transport/StreamTransport';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { Delivery } from './Delivery';
import { InFlight } from './InFlight';
import type { DeliveryGate } from './DeliveryGate';
import type { ConsumerRun } from './ConsumerRun';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import { LeaseRenewal } from './LeaseRenewal';
import { ClaimWalk } from './ClaimWalk';
import { Retrying } from './Retrying';
import type { SubscriptionWindow } from './SubscriptionWindow';
import { expireIdleConsumers } from './consumerExpiry';

/** What a consumer of another kind (an ordered consumer) changes in each of its loops. */
export interface ConsumerLoopHooks<T> {
  /** Stands between the window and the subscriber. Without one, deliveries are emitted at once. */
  readonly gate?: DeliveryGate<T>;
  /**
   * What the loop claims first, once its group exists and its reader is open, before it reads
   * anything new. Without it, the loop takes back what its consumer still holds (`claimOwn`).
   */
  readonly initialClaim?: (claims: ClaimWalk) => void;
}

/**
 * One consumer of a group on one partition: reads only as many entries as its subscription's window
 * (`maxInFlight`, shared with the loops of the other partitions) leaves room for, blocking on the broker; redelivers its nacked entries after their delay; walks the group's pending list for
 * entries other consumers left idle. Deliveries it emitted stay valid after `stop()`.
 */
export class ConsumerLoop<T> implements ConsumerRun {
  private readonly inFlight: InFlight<T>;
  /** Renews what the consumer holds, until it is settled (also after `stop()`) or abandoned. */
  private readonly leases: LeaseRenewal<T>;
  /** Decides when an admitted delivery goes to the subscriber (see {@link ConsumerLoopHooks.gate}). */
  private readonly gate: DeliveryGate<T> | undefined;
  private readonly timers = new Subscription();
  private coroutine: Subscription | undefined;
  private reader: StreamReader | undefined;
  /** Resolves once the closed reader can bring nothing more (see `StreamReader.close`). */
  private readerClosed: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  /** The backend's claims, when it has them: without, it redelivers un-acked entries itself and the loop claims nothing. */
  private readonly pending: PendingClaims | undefined;
  /** The walk over the group's pending list for entries other consumers left idle (only with the backend's claims). */
  private readonly claims: ClaimWalk | undefined;
  /** Whether the last read came back full: the partition has a backlog, and its reads may be larger. */
  private backlog = false;
  /** Tries again what failed on the broker. */
  private readonly retry: Retrying;
  private stopped = false;
  private settledWaiters: (() => void)[] = [];
  /** A read sent ahead while the previous one's entries were handed out (see `readAhead`); its reply is kept until taken. */
  private ahead: { readonly count: number; readonly reply: AsyncSubject<ReadEntry[]> } | undefined;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly window: SubscriptionWindow,
    private readonly subscriber: Subscriber<Delivery<T>>,
    private readonly hooks: ConsumerLoopHooks<T> = {},
  ) {
    const gate = hooks.gate;
    this.gate = gate;
    this.inFlight = new InFlight(ctx, target, options, window, {
      emit: gate ? (delivery) => gate.admit(delivery) : (delivery) => subscriber.next(delivery),
      roomFreed: () => this.checkSettled(),
      redeliveryDue: () => this.kick(),
      acksAnswered: () => this.checkSettled(),
      ...(gate ? { done: (id: string) => gate.done(id) } : {}),
    });
    this.leases = new LeaseRenewal(ctx, target, options, this.inFlight);
    const pending = (this.pending = ctx.transport.capabilities.claims);
    this.claims = pending && new ClaimWalk(pending, ctx.group, target, options);
    this.retry = new Retrying(ctx, target.key, options.from, () => this.stopped, (ms) => this.sleep(ms));
  }

  /** Starts reading; failures of the broker are reported and retried, never thrown. */
  start(): void {
    this.window.join(this);
    this.coroutine = runCoroutine(this.run(), (error) => this.subscriber.error(error));
  }

  /**
   * Stops reading and cancels timers; nacked entries stay pending on the broker. Deliveries still
   * with their handler keep their lease until they are settled (or `abandon()`). Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.window.leave(this);
    this.timers.unsubscribe();
    this.inFlight.release();
    this.leases.finish();
    if (this.gate) this.inFlight.returnUnemitted(this.gate.drain().map((delivery) => delivery.id));
    this.coroutine?.unsubscribe();
    // entries a read sent ahead brings after the stop are handed back (marked idle for the group), not left with this consumer
    this.ahead?.reply.subscribe({ next: (entries) => this.admit(entries), error: () => undefined });
    this.ahead = undefined;
    if (this.reader) this.readerClosed = this.reader.close();
    this.checkSettled();
  }

  /** Stops renewing the leases of deliveries still unsettled: they go idle and are taken over. Idempotent. */
  abandon(): void {
    this.leases.stop();
  }

  /** Deliveries emitted and not acked yet (with a handler, or nacked and waiting for redelivery). */
  get inFlightCount(): number {
    return this.inFlight.count;
  }

  /**
   * Resolves once every emitted delivery has been acked (and the broker has answered the ack) or
   * nacked, and, after `stop()`, once no read can still bring the consumer entries.
   */
  whenSettled(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.settledWaiters.push(resolve);
      this.checkSettled();
    }).then(() => this.readerClosed);
  }

  private *run(): Coroutine {
    const { transport, group } = this.ctx;
    const { key, consumer } = this.target;
    yield* this.retry.run(() => wait(transport.ensureGroup(key, group, this.options.from)));
    if (this.stopped) return;
    this.reader = transport.openReader(key, group, consumer);
    const { claims, pending } = this;
    if (claims && this.hooks.initialClaim) {
      this.hooks.initialClaim(claims);
    } else if (pending) {
      yield* this.retry.run(function* (this: ConsumerLoop<T>) {
        this.admitClaimed('own', yield* wait(pending.claimOwn(key, group, consumer, Math.max(1, this.window.room))));
      }.bind(this));
    }
    const { claimIdleAfterMs, scheduler } = this.options;
    if (claims && Number.isFinite(claimIdleAfterMs)) {
      const period = Math.max(claimIdleAfterMs / 2, 50);
      this.timers.add(timer(0, period, scheduler).subscribe(() => (claims.begin(), this.kick())));
    }
    this.leases.start();
    this.timers.add(expireIdleConsumers(this.ctx, this.target, scheduler));
    while (!this.stopped && !this.subscriber.closed) yield* this.retry.run(() => this.step());
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
    if (this.inFlight.hasWaiting) {
      if (this.window.room <= 0) return yield* this.waitForRoom();
      return this.inFlight.admitWaiting(() => this.stopped || this.subscriber.closed);
    }
    const walk = this.claims?.walking ? this.claims : undefined;
    const count = this.window.readCount(this, this.backlog && !walk);
    if (count <= 0) return yield* this.waitForRoom();
    if (walk) return this.admitClaimed('idle', yield* walk.step(count, this.inFlight.holding()));
    this.admitRead(count, yield* wait((this.reader as StreamReader).read(count, this.options.blockMs)));
  }

  /**
   * Admits what a read of `count` returned, first sending the next read when this one came back full
   * (a backlog: reads of at most half the window, so that the next can be under way while these are handled).
   */
  private admitRead(count: number, entries: ReadEntry[]): void {
    this.backlog = entries.length === count;
    if (this.backlog) this.readAhead(entries.length);
    this.admit(entries);
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
    const count = this.window.readCount(this, true, admitting);
    if (count <= 0) return;
    const reply = new AsyncSubject<ReadEntry[]>();
    // a failure reaches the next step through the subject, and that step retries
    (this.reader as StreamReader).read(count, this.options.blockMs).pipe(defaultIfEmpty([] as ReadEntry[])).subscribe(reply);
    this.ahead = { count, reply };
  }

  private admitClaimed(source: 'own' | 'idle', entries: ReadEntry[]): void {
    const { instrument } = this.ctx;
    if (entries.length > 0 && instrument.on) instrument.emit({ type: 'consumer.claimed', stream: this.target.stream.name, consumer: this.target.consumer, source, ids: entries.map((entry) => entry.id) });
    this.admit(entries);
  }

  private admit(entries: Parameters<InFlight<T>['admit']>[0]): void {
    this.inFlight.admit(entries, () => this.stopped || this.subscriber.closed);
  }

  /** Waits until the window may have room, or until something wakes the loop. */
  private *waitForRoom(): Coroutine {
    yield new Observable<void>((subscriber) => {
      this.wake = () => subscriber.next();
      const cancel = this.window.whenRoom(() => subscriber.next());
      return () => {
        cancel();
        this.wake = undefined;
      };
    });
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

  /** Wakes a sleeping loop and ends a blocked read, so new work is seen at once. */
  private kick(): void {
    this.wake?.();
    this.reader?.interrupt();
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
