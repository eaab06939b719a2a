import { NEVER, Subscription, type Subscriber } from 'rxjs';
import { runCoroutine, wait, type Coroutine } from '../internal/coroutine';
import type { ReadEntry } from '../transport/StreamTransport';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { Delivery } from './Delivery';
import { InFlight } from './InFlight';
import type { ConsumerRun } from './ConsumerRun';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import { LeaseRenewal } from './LeaseRenewal';
import type { ConsumerLoopHooks } from './ConsumerLoopHooks';
import { LoopClaims } from './LoopClaims';
import { Retrying } from './Retrying';
import type { SubscriptionWindow } from './SubscriptionWindow';
import { expireIdleConsumers } from './consumerExpiry';
import { LoopWake } from './LoopWake';
import { NewEntries } from './NewEntries';

/**
 * One consumer of a group on one partition: reads only as many entries as its subscription's window
 * (`maxInFlight`, shared with the loops of the other partitions) leaves room for, blocking on the
 * broker; redelivers its nacked entries after their delay; walks the group's pending list for
 * entries other consumers left idle. Deliveries it emitted stay valid after `stop()`.
 *
 * The loop is a coroutine (see `runCoroutine`): each step says in order what it waits for, and a
 * backend that answers at once (memory, in virtual time) resumes it in the same frame.
 */
export class ConsumerLoop<T> implements ConsumerRun {
  private readonly inFlight: InFlight<T>;
  /** Renews what the consumer holds, until it is settled (also after `stop()`) or abandoned. */
  private readonly leases: LeaseRenewal<T>;
  private readonly timers = new Subscription();
  private coroutine: Subscription | undefined;
  /** The reads of new entries, once the group exists; once closed, `readerClosed` resolves when they can bring nothing more. */
  private reads: NewEntries | undefined;
  private readerClosed: Promise<void> = Promise.resolve();
  private readonly wake: LoopWake;
  /** What the loop claims; only with the backend's claims (without, it redelivers un-acked entries itself). */
  private readonly claims: LoopClaims<T> | undefined;
  /** Tries again what failed on the broker. */
  private readonly retry: Retrying;
  private stopped = false;
  /** Whether deliveries can no longer be emitted: read entries are then handed back. */
  private readonly isStopped = (): boolean => this.stopped || this.subscriber.closed;
  private settledWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly window: SubscriptionWindow,
    private readonly subscriber: Subscriber<Delivery<T>>,
    private readonly hooks: ConsumerLoopHooks<T> = {},
  ) {
    const { gate } = hooks;
    this.inFlight = new InFlight(ctx, target, options, window, {
      emit: gate ? (delivery) => gate.admit(delivery) : (delivery) => subscriber.next(delivery),
      roomFreed: () => this.checkSettled(),
      redeliveryDue: () => this.kick(),
      acksAnswered: () => this.checkSettled(),
      ...(gate ? { done: (id: string) => gate.done(id) } : {}),
    });
    this.leases = new LeaseRenewal(ctx, target, options, this.inFlight);
    this.claims = ctx.transport.capabilities.claims && new LoopClaims(ctx.transport.capabilities.claims, ctx, target, options);
    this.wake = new LoopWake(options.scheduler);
    this.retry = new Retrying(ctx, target.key, options.from, () => this.stopped, (ms) => this.wake.sleep(ms));
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
    const { gate } = this.hooks;
    if (gate) this.inFlight.returnUnemitted(gate.drain().map((delivery) => delivery.id));
    this.coroutine?.unsubscribe();
    if (this.reads) this.readerClosed = this.reads.close((entries) => this.admit(entries));
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

  /** Creates the group, opens the reader, claims first what it should, starts the timers, then steps until stopped. */
  private *run(): Coroutine {
    const { transport, group } = this.ctx;
    const { key, consumer } = this.target;
    yield* this.retry.run(() => wait(transport.ensureGroup(key, group, this.options.from)));
    if (this.stopped) return;
    const blockMs = (): number => Math.min(this.options.blockMs, this.hooks.heldFor?.() ?? Infinity); // no longer than the loop may read
    this.reads = new NewEntries(transport.openReader(key, group, consumer), this.window, this, blockMs, () => this.stopped);
    const { claims } = this;
    if (claims && this.hooks.initialClaim) this.hooks.initialClaim(claims.walk);
    else if (claims) yield* this.retry.run(() => this.claimOwn(claims));
    this.startTimers();
    while (!this.isStopped()) yield* this.retry.run(() => this.step());
  }

  /** Takes back what the consumer still holds (a restart of the same consumer), as far as the window has room. */
  private *claimOwn(claims: LoopClaims<T>): Coroutine {
    this.admit(yield* claims.own(Math.max(1, this.window.room)));
  }

  /** Starts the claim walks, the lease renewal and the expiry of idle consumers. */
  private startTimers(): void {
    const walks = this.claims?.walkPeriodically(() => this.kick());
    if (walks) this.timers.add(walks);
    this.leases.start();
    this.timers.add(expireIdleConsumers(this.ctx, this.target, this.options.scheduler));
  }

  /**
   * One step of the loop, the first of these that has work: takes the read sent ahead; claims back
   * the nacked entries that are due; admits the entries that waited for room; takes a step of the
   * claim walk or reads new entries, as many as the window has room for; or waits for room.
   */
  private *step(): Coroutine {
    if (this.hooks.heldFor && this.hooks.heldFor() <= 0) return yield* wait(NEVER); // the loop may no longer read: it waits to be stopped
    const reads = this.reads as NewEntries;
    if (reads.hasAhead) return this.admit(yield* reads.takeAhead());
    const due = this.inFlight.takeDue();
    if (due.length > 0) return yield* this.redeliver(due);
    if (this.inFlight.hasWaiting) {
      if (this.window.room <= 0) return yield* this.wake.forRoom(this.window);
      return this.inFlight.admitWaiting(this.isStopped);
    }
    const walk = this.claims?.walking ? this.claims : undefined;
    const count = reads.count(walk !== undefined);
    if (count <= 0) return yield* this.wake.forRoom(this.window);
    if (walk) return this.admit(yield* walk.idle(count, this.inFlight.holding()));
    this.admit(yield* reads.read(count));
  }

  /** Claims back the nacked entries that are due, and forgets those that were acked or taken over meanwhile. */
  private *redeliver(due: string[]): Coroutine {
    const { key, consumer } = this.target;
    const entries = yield* wait(this.ctx.transport.claimIds(key, this.ctx.group, consumer, due));
    const back = new Set(entries.map((entry) => entry.id));
    for (const id of due) if (!back.has(id)) this.inFlight.forget(id);
    this.admit(entries);
  }

  private admit(entries: readonly ReadEntry[]): void {
    this.inFlight.admit(entries, this.isStopped);
  }

  /** Wakes a sleeping loop and ends a blocked read, so new work is seen at once. */
  private kick(): void {
    this.wake.wakeUp();
    this.reads?.interrupt();
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
