import { Subscription, timer, type Subscriber } from 'rxjs';
import { ConsumerLoop } from '../consumer/ConsumerLoop';
import type { ConsumerContext } from '../consumer/ConsumerContext';
import type { ResolvedConsumeOptions } from '../consumer/consumeOptions';
import type { ConsumerRun } from '../consumer/ConsumerRun';
import type { Delivery } from '../consumer/Delivery';
import type { SubscriptionWindow } from '../consumer/SubscriptionWindow';
import type { EventStream } from '../definitions/eventStream';
import { leaseKeyOf } from '../partitions/streamLayout';
import { requireCapability, type PartitionLeases } from '../transport/StreamTransport';
import { KeyGate } from './KeyGate';
import { PartitionLease } from './PartitionLease';

/** Heartbeats (membership and lease renewals) per lease time: a live owner renews several times before its lease could run out. */
const BEATS_PER_LEASE = 4;

/**
 * One ordered consumer (`consume(stream, { ordered: true })`) of a group: it keeps its membership in
 * the group's set of ordered consumers alive, takes the partitions the membership assigns it
 * (partition `p` goes to the `p mod n`-th of the `n` live members, sorted by name) once their lease
 * is free, and reads each with a consumer loop of its own that hands out one event per key at a
 * time. A partition it is no longer assigned is handed over: reading stops, its deliveries are
 * settled, then the lease is released (only if still this consumer's: a lease it failed to renew,
 * because another instance took it, just stops that partition's reading at once). A lease that
 * lapsed by this consumer's clock (see {@link PartitionLease}) stops the partition's reads and
 * deliveries at once, before any beat, and the partition is handed over at the next beat.
 */
export class OrderedConsumer<T> implements ConsumerRun {
  private readonly owned = new Map<string, ConsumerLoop<T>>();
  /** The leases of the partitions owned. */
  private readonly held = new Map<string, PartitionLease>();
  private readonly handingOver = new Map<string, ConsumerLoop<T>>();
  /** Lease releases under way (awaited before the service disconnects). */
  private readonly releasing = new Set<Promise<void>>();
  private readonly beats = new Subscription();
  private readonly leaseMs: number;
  /** The backend's membership and partition leases. */
  private readonly leases: PartitionLeases;
  private beating = false;
  private stopped = false;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly stream: EventStream<T>,
    private readonly keys: readonly string[],
    private readonly consumer: string,
    private readonly membersKey: string,
    private readonly options: ResolvedConsumeOptions,
    /** The subscription's window, shared by the partitions this consumer holds. */
    private readonly window: SubscriptionWindow,
    private readonly subscriber: Subscriber<Delivery<T>>,
  ) {
    this.leaseMs = options.claimIdleAfterMs;
    this.leases = requireCapability(ctx.transport, 'partitionLeases', 'consume with ordered');
  }

  /** Joins the group's ordered consumers and starts taking partitions. */
  start(): void {
    const period = Math.max(1, Math.floor(this.leaseMs / BEATS_PER_LEASE));
    this.beats.add(timer(0, period, this.options.scheduler).subscribe(() => void this.beat()));
  }

  /** Stops reading every partition; leases are released once their deliveries are settled, and the membership ends at once. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.beats.unsubscribe();
    for (const [key, loop] of this.owned) this.handOver(key, loop);
    this.leases.leave(this.membersKey, this.consumer).catch(this.ctx.report);
  }

  /** Stops renewing the entries of every partition's deliveries still unsettled. Idempotent. */
  abandon(): void {
    for (const loop of [...this.owned.values(), ...this.handingOver.values()]) loop.abandon();
  }

  /** Resolves once every emitted delivery is settled and the leases handed over are released. */
  async whenSettled(): Promise<void> {
    await Promise.all([...this.owned.values(), ...this.handingOver.values()].map((loop) => loop.whenSettled()));
    await Promise.allSettled([...this.releasing]);
  }

  get inFlightCount(): number {
    let count = 0;
    for (const loop of [...this.owned.values(), ...this.handingOver.values()]) count += loop.inFlightCount;
    return count;
  }

  private async beat(): Promise<void> {
    if (this.beating || this.stopped) return;
    this.beating = true;
    try {
      const members = await this.leases.heartbeat(this.membersKey, this.consumer, this.leaseMs);
      if (this.stopped) return;
      const assigned = new Set(this.keys.filter((_, partition) => members[partition % members.length] === this.consumer));
      // the renewals go out together, in one round trip: a renewal sent late could let a lease lapse here
      const renewals = [...this.owned].map(([key, loop]) => this.keep(key, loop, assigned));
      const handingOver = [...this.handingOver.keys()].map((key) => this.lease(key)); // kept until its deliveries are settled
      this.reportFailures(await Promise.allSettled([...renewals, ...handingOver]));
      const free = [...assigned].filter((key) => !this.owned.has(key) && !this.handingOver.has(key));
      this.reportFailures(await Promise.allSettled(free.map((key) => this.tryToTake(key))));
    } catch (error) {
      this.ctx.report(error); // the next beat tries again
    } finally {
      this.beating = false;
    }
  }

  /** Reports what failed on the broker (the next beat tries again). */
  private reportFailures(outcomes: readonly PromiseSettledResult<unknown>[]): void {
    for (const outcome of outcomes) if (outcome.status === 'rejected') this.ctx.report(outcome.reason);
  }

  /** Keeps an owned partition while it is assigned and its lease holds; hands it over otherwise (another instance took the lease, or it lapsed here). */
  private async keep(key: string, loop: ConsumerLoop<T>, assigned: ReadonlySet<string>): Promise<void> {
    const lease = this.held.get(key);
    if (lease && assigned.has(key) && (await this.renew(key, lease))) return;
    if (this.owned.get(key) === loop) this.handOver(key, loop); // not when handed over meanwhile (stop)
  }

  /** Renews the lease of an owned partition: whether it still holds (not taken by another instance, not lapsed here). */
  private async renew(key: string, lease: PartitionLease): Promise<boolean> {
    const sentAt = this.options.scheduler.now();
    const renewed = await this.lease(key);
    if (renewed) lease.renewed(sentAt);
    return renewed && lease.held;
  }

  /** Takes an assigned partition whose lease is free. */
  private async tryToTake(key: string): Promise<void> {
    const sentAt = this.options.scheduler.now();
    if (!(await this.lease(key))) return;
    // a lease lapses here a beat before it could end (none for a lease shorter than four milliseconds)
    this.take(key, new PartitionLease(this.options.scheduler, this.leaseMs, Math.floor(this.leaseMs / BEATS_PER_LEASE), sentAt));
  }

  private lease(key: string): Promise<boolean> {
    return this.leases.acquireLease(leaseKeyOf(key, this.ctx.group), this.consumer, this.leaseMs);
  }

  private take(key: string, lease: PartitionLease): void {
    if (this.stopped) return void this.leases.releaseLease(leaseKeyOf(key, this.ctx.group), this.consumer).catch(this.ctx.report);
    const target = { stream: this.stream, key, partition: this.keys.indexOf(key), consumer: this.consumer };
    const loop = new ConsumerLoop<T>(this.ctx, target, this.options, this.window, this.subscriber, {
      gate: new KeyGate<T>((delivery) => this.subscriber.next(delivery), () => lease.held),
      // the partition's lease holder takes over everything pending, oldest first, before it reads anything new
      initialClaim: (claims) => claims.begin(0),
      heldFor: () => lease.remainingMs(),
    });
    this.owned.set(key, loop);
    this.held.set(key, lease);
    loop.start();
  }

  private handOver(key: string, loop: ConsumerLoop<T>): void {
    this.owned.delete(key);
    this.held.delete(key);
    this.handingOver.set(key, loop);
    loop.stop();
    const released = loop
      .whenSettled()
      .then(() => {
        this.handingOver.delete(key);
        return this.leases.releaseLease(leaseKeyOf(key, this.ctx.group), this.consumer);
      })
      .catch(this.ctx.report);
    this.releasing.add(released);
    void released.finally(() => this.releasing.delete(released));
  }
}
