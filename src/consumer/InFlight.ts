import { Subscription, timer } from 'rxjs';
import { decodeValueOf } from '../codec/entryCodec';
import { KEY_FIELD, TARGET_GROUP_FIELD, VALUE_FIELD } from '../codec/entryFields';
import { exceedsBytes, utf8Bytes } from '../codec/messageSize';
import { idTime } from '../internal/streamId';
import type { DeadLetterInfo, ReadEntry } from '../transport/StreamTransport';
import { checkValue, describeIssues, type Checked } from '../validation/checkValue';
import { InOrder } from '../validation/InOrder';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { PendingAck } from './AckCoalescer';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import { createDelivery, type Delivery, type DeliverySettler } from './Delivery';
import type { SubscriptionWindow } from './SubscriptionWindow';
import { tracedSettler } from './tracedSettler';

/** What {@link InFlight} tells its loop. */
export interface InFlightEvents<T> {
  /** A delivery is ready for the subscriber. */
  readonly emit: (delivery: Delivery<T>) => void;
  /** A delivery left the window (settled, or given back unemitted). */
  readonly roomFreed: () => void;
  /** A nacked entry is due for redelivery. */
  readonly redeliveryDue: () => void;
  /** The broker answered acks (recorded or refused them): {@link InFlight.settled} may have changed. */
  readonly acksAnswered: () => void;
  /**
   * An emitted entry is done with: its ack is recorded by the broker, or it was dead-lettered or taken
   * over by another consumer. (An ack the broker did not take leaves the entry pending: it is claimed
   * back and delivered again, and only that delivery's ack makes it done.)
   */
  readonly done?: (id: string) => void;
}

/** {@link InFlight}'s mark of a delivery waiting for its redelivery. */
const NACKED = -1;
/** {@link InFlight}'s mark of a delivery with its handler for longer than `maxHandlingMs`. */
const STUCK = -2;

/** What {@link InFlight.leases} found: the ids whose lease to renew, and the deliveries that just became stuck. */
export interface HeldLeases {
  readonly renew: string[];
  readonly stuck: { readonly id: string; readonly handlingMs: number }[];
}

/**
 * The deliveries one consumer has handed out and not yet acked: admits read entries (decoding them,
 * dead-lettering what cannot be decoded or was delivered too often), settles acks and nacks, and
 * schedules nacked entries for redelivery.
 */
export class InFlight<T> implements DeliverySettler {
  /**
   * Ids emitted and not acked: with the handler since a scheduler time (>= 0), past `maxHandlingMs`
   * (`STUCK`: no longer renewed), or nacked and waiting for redelivery (`NACKED`).
   */
  private readonly held = new Map<string, number>();
  /** Ids acked here whose ack the broker has not answered yet, by the (coalesced) ack they go out in: still skipped by the claim walk. */
  private readonly acking = new Map<PendingAck, string[]>();
  /** Entries read while the window had no room for them, oldest first: admitted first once it has (see {@link admitWaiting}). */
  private waiting: ReadEntry[] = [];
  private due: string[] = [];
  private readonly timers = new Subscription();
  private released = false;
  /** With a schema: entries whose validation is under way, delivered in read order (held meanwhile, so they count in `maxInFlight`). */
  private readonly checks: InOrder<T> | undefined;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly window: SubscriptionWindow,
    private readonly events: InFlightEvents<T>,
  ) {
    this.checks = target.stream.schema ? new InOrder<T>(ctx.report) : undefined;
  }

  /** Deliveries this loop holds: emitted and not settled, or being dead-lettered. */
  get count(): number {
    return this.held.size;
  }

  /** Whether read entries wait for room in the window. */
  get hasWaiting(): boolean {
    return this.waiting.length > 0;
  }

  /**
   * Whether every emitted delivery has been acked or nacked, and the broker has answered every ack:
   * what a partition handed over waits for, so that its next owner never claims an entry acked here.
   */
  get settled(): boolean {
    if (this.acking.size > 0) return false;
    for (const state of this.held.values()) if (state !== NACKED) return false;
    return true;
  }

  /**
   * The ids whose lease is renewed now (nacked ones, and those with their handler for at most
   * `maxHandlingMs`), and those that passed `maxHandlingMs` since the last call: marked stuck, never renewed again.
   */
  leases(now: number): HeldLeases {
    const renew: string[] = [];
    const stuck: { id: string; handlingMs: number }[] = [];
    for (const [id, since] of this.held) {
      if (since === STUCK) continue;
      if (since === NACKED || now - since <= this.options.maxHandlingMs) {
        renew.push(id);
      } else {
        this.held.set(id, STUCK);
        stuck.push({ id, handlingMs: now - since });
      }
    }
    for (const acked of this.acking.values()) renew.push(...acked);
    for (const entry of this.waiting) renew.push(entry.id);
    return { renew, stuck };
  }

  /** Ids emitted and not yet acked (with a handler, waiting for redelivery, or being dead-lettered), or acked and not yet recorded by the broker. */
  holding(): string[] {
    const ids = [...this.held.keys()];
    for (const acked of this.acking.values()) ids.push(...acked);
    for (const entry of this.waiting) ids.push(entry.id);
    return ids;
  }

  /** Takes the ids of the nacked entries that are due for redelivery. */
  takeDue(): string[] {
    const due = this.due;
    this.due = [];
    return due;
  }

  /** Forgets an entry that could not be redelivered (acked elsewhere, or deleted). */
  forget(id: string): void {
    this.unhold(id);
    this.events.done?.(id);
  }

  /** Gives back entries that were admitted but never emitted (held back by an ordering gate when the consumer stopped). */
  returnUnemitted(ids: string[]): void {
    for (const id of ids) this.unhold(id);
    this.giveBack(ids);
    if (ids.length > 0) this.events.roomFreed();
  }

  /**
   * Emits read entries as deliveries, or deals with them: other groups' redriven entries, too many
   * deliveries, too large, undecodable, refused by the stream's schema. A schema that answers with a
   * Promise holds the entry (in `maxInFlight`) until it answers; deliveries keep the read order.
   */
  admit(entries: readonly ReadEntry[], isStopped: () => boolean): void {
    const { stream, key } = this.target;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as ReadEntry;
      if (isStopped()) return this.giveBack(entries.slice(index).map((rest) => rest.id));
      // a redelivered entry kept its slot; a new one waits while the window is full
      if (this.window.room <= 0 && !this.held.has(entry.id)) return this.wait(entries.slice(index));
      const only = entry.fields[TARGET_GROUP_FIELD];
      if (only !== undefined && only !== this.ctx.group) {
        this.ctx.ack(key, entry.id).done.catch(() => undefined); // redriven for another group
        continue;
      }
      if (entry.deliveryCount > this.options.maxDeliveries) {
        const error = `abandoned: delivered ${entry.deliveryCount - 1} times without an ack`;
        void this.moveToDeadLetters(entry.id, { reason: 'max-deliveries', error, deliveryCount: entry.deliveryCount - 1 });
        continue;
      }
      const raw = entry.fields[VALUE_FIELD];
      if (raw !== undefined && exceedsBytes(raw, this.options.maxMessageBytes)) {
        const error = `value field is ${utf8Bytes(raw)} bytes, more than maxMessageBytes (${this.options.maxMessageBytes}); not decoded`;
        void this.moveToDeadLetters(entry.id, { reason: 'too-large', error, deliveryCount: entry.deliveryCount });
        continue;
      }
      let value: T;
      try {
        value = decodeValueOf<T>(stream.name, entry.id, entry.fields, stream.codec);
      } catch (error) {
        void this.moveToDeadLetters(entry.id, { reason: 'decode', error: messageOf(error), deliveryCount: entry.deliveryCount });
        continue;
      }
      if (stream.schema && this.checks) {
        this.hold(entry.id, this.options.scheduler.now());
        this.checks.add(checkValue(stream.schema, value), (checked) => this.afterCheck(entry, checked, isStopped));
      } else {
        this.deliver(entry, value);
      }
    }
  }

  /** Admits the entries that waited for room, as far as the window has room for them now. */
  admitWaiting(isStopped: () => boolean): void {
    const entries = this.waiting;
    this.waiting = [];
    this.window.waiting(-entries.length);
    this.admit(entries, isStopped);
  }

  private wait(entries: readonly ReadEntry[]): void {
    this.waiting.push(...entries);
    this.window.waiting(entries.length);
  }

  /** Holds `id` since `since` (a scheduler time, or a mark), counting it in the window when it is new. */
  private hold(id: string, since: number): void {
    if (!this.held.has(id)) this.window.take();
    this.held.set(id, since);
  }

  /** Forgets `id`, freeing its slot in the window. */
  private unhold(id: string): void {
    if (this.held.delete(id)) this.window.give();
  }

  /** Delivers what the schema output, dead-letters what it refused, or gives the entry back when the consumer stopped meanwhile. */
  private afterCheck(entry: ReadEntry, checked: Checked<T>, isStopped: () => boolean): void {
    if (isStopped()) {
      this.unhold(entry.id);
      this.giveBack([entry.id]);
      this.events.roomFreed();
    } else if (checked.valid) {
      this.deliver(entry, checked.value);
    } else {
      void this.moveToDeadLetters(entry.id, { reason: 'invalid', error: describeIssues(checked.issues), deliveryCount: entry.deliveryCount });
    }
  }

  private deliver(entry: ReadEntry, value: T): void {
    const { stream } = this.target;
    this.hold(entry.id, this.options.scheduler.now());
    const init = { id: entry.id, value, key: entry.fields[KEY_FIELD], partition: this.target.partition, stream: stream.name, deliveryCount: entry.deliveryCount, producedAt: idTime(entry.id) };
    if (this.ctx.instrument.on) this.instrumentEntry('consumer.delivered', entry.id, entry.deliveryCount);
    const { tracing } = this.ctx;
    if (tracing?.spans(entry.fields)) {
      tracing.deliver(stream.name, this.target.key, entry.id, entry.deliveryCount, entry.fields, (endSpan) => this.events.emit(createDelivery(init, endSpan ? tracedSettler(this, endSpan) : this)));
    } else {
      this.events.emit(createDelivery(init, this));
    }
  }

  private instrumentEntry(type: 'consumer.delivered' | 'consumer.acked', id: string, deliveryCount: number): void {
    const { stream, consumer } = this.target;
    this.ctx.instrument.emit(type === 'consumer.delivered' ? { type, stream: stream.name, consumer, id, deliveryCount } : { type, stream: stream.name, consumer, id });
  }

  ack(id: string): Promise<void> {
    this.unhold(id);
    if (this.ctx.instrument.on) this.instrumentEntry('consumer.acked', id, 0);
    const acked = this.ctx.ack(this.target.key, id);
    // until the broker has the ack, the entry stays renewed and out of this consumer's own claim walk
    // (told through the Observable: a backend that answers at once has it in the same frame, also in virtual time)
    const sharing = this.acking.get(acked);
    if (sharing) {
      sharing.push(id);
    } else {
      const ids = [id];
      this.acking.set(acked, ids);
      const { done } = this.events;
      acked.answered.subscribe({
        complete: () => {
          this.acking.delete(acked);
          if (done) for (const doneId of ids) done(doneId);
          this.events.acksAnswered();
        },
        error: () => {
          this.acking.delete(acked);
          this.events.acksAnswered();
        },
      });
    }
    this.events.roomFreed();
    return acked.done;
  }

  nack(id: string, deliveryCount: number, delayMs: number, error?: unknown): Promise<void> {
    if (deliveryCount >= this.options.maxDeliveries) {
      return this.moveToDeadLetters(id, { reason: 'max-deliveries', error: error === undefined ? 'nacked' : messageOf(error), deliveryCount });
    }
    const { instrument } = this.ctx;
    if (instrument.on) instrument.emit({ type: 'consumer.nacked', stream: this.target.stream.name, consumer: this.target.consumer, id, deliveryCount, delayMs });
    if (this.released || !this.held.has(id)) {
      this.unhold(id);
    } else {
      this.held.set(id, NACKED);
      this.timers.add(
        timer(delayMs, this.options.scheduler).subscribe(() => {
          this.due.push(id);
          this.events.redeliveryDue();
        }),
      );
    }
    this.events.roomFreed();
    return Promise.resolve();
  }

  /** Moves an entry to the dead-letter stream at once, as its handler asked (`Delivery.deadLetter`); rejects when the move failed. */
  deadLetter(id: string, deliveryCount: number, reason: string | undefined): Promise<void> {
    return this.moveToDeadLetters(id, { reason: 'rejected', error: reason ?? 'rejected by the handler', deliveryCount }, true);
  }

  /** Cancels redelivery timers: nacked entries stay pending on the broker for another consumer, and entries that waited for room are handed back. */
  release(): void {
    this.released = true;
    this.timers.unsubscribe();
    for (const [id, state] of [...this.held]) if (state === NACKED) this.unhold(id);
    this.due = [];
    const waiting = this.waiting;
    this.waiting = [];
    this.window.waiting(-waiting.length);
    this.giveBack(waiting.map((entry) => entry.id));
  }

  /**
   * Hands back entries that were read but not emitted (the subscriber left in the middle of a read):
   * they are marked idle for `claimIdleAfterMs`, so the group's next claim walk takes them at once.
   */
  private giveBack(ids: string[]): void {
    if (ids.length === 0) return;
    const idleMs = Number.isFinite(this.options.claimIdleAfterMs) ? this.options.claimIdleAfterMs : 0;
    const { key, consumer } = this.target;
    // without claims (a backend that redelivers by itself) there is nothing to hand back
    this.ctx.transport.capabilities.claims?.markIdle(key, this.ctx.group, consumer, ids, idleMs).subscribe({ error: this.ctx.report });
  }

  /**
   * Moves an entry to the dead-letter stream, holding its slot meanwhile; a failure is reported (and
   * with `rejectOnFailure`, rejects) and the entry stays pending.
   */
  private moveToDeadLetters(id: string, info: DeadLetterInfo, rejectOnFailure = false): Promise<void> {
    const { key } = this.target;
    this.hold(id, this.options.scheduler.now());
    const moved = new Promise<void>((resolve, reject) => {
      const finish = () => {
        this.unhold(id);
        this.events.done?.(id);
        this.events.roomFreed();
      };
      // settled through the Observable: a backend that answers at once frees the slot in the same frame, also in virtual time
      this.ctx.transport.deadLetter(key, this.ctx.deadLetterKey(key), this.ctx.group, id, info).subscribe({
        complete: () => {
          const { instrument } = this.ctx;
          if (instrument.on) instrument.emit({ type: 'consumer.deadLettered', stream: this.target.stream.name, consumer: this.target.consumer, id, reason: info.reason, deliveryCount: info.deliveryCount });
          finish();
          resolve();
        },
        error: (error: unknown) => {
          this.ctx.report(error);
          finish();
          if (rejectOnFailure) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve();
        },
      });
    });
    moved.catch(() => undefined); // reported above: a caller that does not await it must not crash the process
    return moved;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
