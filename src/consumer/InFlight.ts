import type { ReadEntry } from '../transport/StreamTransport';
import { Admission } from './Admission';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import { DeadLettering } from './DeadLettering';
import { HeldEntries, type HeldLeases } from './HeldEntries';
import type { InFlightEvents } from './InFlightEvents';
import { Redelivery } from './Redelivery';
import { Settlement } from './Settlement';
import type { SubscriptionWindow } from './SubscriptionWindow';

export type { HeldLeases } from './HeldEntries';
export type { InFlightEvents } from './InFlightEvents';

/**
 * The deliveries one consumer loop has handed out and not yet acked, and the jobs around them, each
 * in its own part: {@link Admission} (read entries to deliveries, within the window),
 * {@link Settlement} (acks, nacks, dead letters asked by handlers), {@link Redelivery} (nack delays)
 * and {@link HeldEntries} (what is held, with its lease).
 */
export class InFlight<T> {
  private readonly held: HeldEntries;
  private readonly admission: Admission<T>;
  private readonly settlement: Settlement<T>;
  private readonly redelivery: Redelivery;

  constructor(ctx: ConsumerContext, target: ConsumerTarget<T>, options: ResolvedConsumeOptions, window: SubscriptionWindow, private readonly events: InFlightEvents<T>) {
    const { scheduler } = options;
    const held = (this.held = new HeldEntries(window, options.maxHandlingMs));
    const deadLetters = new DeadLettering(ctx, target, held, () => scheduler.now(), events);
    this.redelivery = new Redelivery(scheduler, events.redeliveryDue);
    this.settlement = new Settlement(ctx, target, options, held, this.redelivery, deadLetters, events);
    this.admission = new Admission(ctx, target, options, window, held, deadLetters, this.settlement, events);
  }

  /** Deliveries this loop holds: emitted and not settled, or being dead-lettered. */
  get count(): number {
    return this.held.count;
  }

  /** Whether read entries wait for room in the window. */
  get hasWaiting(): boolean {
    return this.admission.hasWaiting;
  }

  /**
   * Whether every emitted delivery has been acked or nacked, and the broker has answered every ack:
   * what a partition handed over waits for, so that its next owner never claims an entry acked here.
   */
  get settled(): boolean {
    return this.settlement.settled;
  }

  /**
   * The ids whose lease is renewed now (see {@link HeldEntries.renewals}; also those acked and not yet
   * answered, and those waiting for room), and the deliveries that just became stuck.
   */
  leases(now: number): HeldLeases {
    const { renew, stuck } = this.held.renewals(now);
    renew.push(...this.settlement.acked(), ...this.admission.waitingIds());
    return { renew, stuck };
  }

  /** Ids emitted and not yet acked (with a handler, waiting for redelivery, or being dead-lettered), or acked and not yet recorded by the broker. */
  holding(): string[] {
    return [...this.held.ids(), ...this.settlement.acked(), ...this.admission.waitingIds()];
  }

  /** Takes the ids of the nacked entries that are due for redelivery. */
  takeDue(): string[] {
    return this.redelivery.takeDue();
  }

  /** Forgets an entry that could not be redelivered (acked elsewhere, or deleted). */
  forget(id: string): void {
    this.held.letGo(id);
    this.events.done?.(id);
  }

  /** Gives back entries that were admitted but never emitted (held back by an ordering gate when the consumer stopped). */
  returnUnemitted(ids: string[]): void {
    for (const id of ids) this.held.letGo(id);
    this.admission.handBack(ids);
    if (ids.length > 0) this.events.roomFreed();
  }

  /** See {@link Admission.admit}. */
  admit(entries: readonly ReadEntry[], isStopped: () => boolean): void {
    this.admission.admit(entries, isStopped);
  }

  /** See {@link Admission.admitWaiting}. */
  admitWaiting(isStopped: () => boolean): void {
    this.admission.admitWaiting(isStopped);
  }

  /** Cancels redelivery timers: nacked entries stay pending on the broker for another consumer, and entries that waited for room are handed back. */
  release(): void {
    this.redelivery.release();
    this.held.letGoNacked();
    this.admission.release();
  }
}
