import { decodeValueOf } from '../codec/entryCodec';
import { KEY_FIELD, TARGET_GROUP_FIELD, VALUE_FIELD } from '../codec/entryFields';
import { exceedsBytes, utf8Bytes } from '../codec/messageSize';
import { idTime } from '../internal/streamId';
import type { ReadEntry } from '../transport/StreamTransport';
import { checkValue, describeIssues, type Checked } from '../validation/checkValue';
import { InOrder } from '../validation/InOrder';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import { messageOf, type DeadLettering } from './DeadLettering';
import { deliveryOf, type DeliverySettler } from './Delivery';
import type { HeldEntries } from './HeldEntries';
import type { InFlightEvents } from './InFlightEvents';
import type { SubscriptionWindow } from './SubscriptionWindow';
import { tracedSettler } from './tracedSettler';

/** What admitting the entries of one read takes once: the scheduler's time, and whether an SDK records spans. */
interface ReadMoment {
  readonly now: number;
  readonly recording: boolean;
}
/**
 * Turns one loop's read entries into deliveries, in read order and only while the window has room:
 * what a read brought beyond it waits here, unemitted, and is admitted first once room frees. Deals
 * with the entries that are not delivered: other groups' redriven entries (acked), and those
 * delivered too often, too large, undecodable or refused by the stream's schema (dead-lettered).
 */
export class Admission<T> {
  /** Entries read while the window had no room for them, oldest first. */
  private waiting: ReadEntry[] = [];
  /** With a schema: entries whose validation is under way, delivered in read order (held meanwhile, so they count in `maxInFlight`). */
  private readonly checks: InOrder<T> | undefined;

  /** @param settler Settles the deliveries admitted here. */
  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly window: SubscriptionWindow,
    private readonly held: HeldEntries,
    private readonly deadLetters: DeadLettering<T>,
    private readonly settler: DeliverySettler,
    private readonly events: InFlightEvents<T>,
  ) {
    this.checks = target.stream.schema ? new InOrder<T>(ctx.report) : undefined;
  }

  /** Whether read entries wait for room in the window. */
  get hasWaiting(): boolean {
    return this.waiting.length > 0;
  }

  /** The ids of the entries that wait for room. */
  waitingIds(): string[] {
    return this.waiting.map((entry) => entry.id);
  }

  /**
   * Emits read entries as deliveries, or deals with them. A schema that answers with a Promise holds
   * the entry (in `maxInFlight`) until it answers; deliveries keep the read order.
   */
  admit(entries: readonly ReadEntry[], isStopped: () => boolean): void {
    if (entries.length === 0) return;
    // what is the same for every entry of a read is read once
    const read = { now: this.options.scheduler.now(), recording: this.ctx.tracing?.sdkRegistered() === true };
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as ReadEntry;
      if (isStopped()) return this.handBack(entries.slice(index).map((rest) => rest.id));
      // a redelivered entry kept its slot; a new one waits while the window is full, or behind entries
      // that wait already (a later read, sent ahead, must not overtake them: ordered keys rely on it)
      if ((this.window.room <= 0 || this.waiting.length > 0) && !this.held.has(entry.id)) return this.wait(entries.slice(index));
      this.admitOne(entry, isStopped, read);
    }
  }

  /** Admits the entries that waited for room, as far as the window has room for them now. */
  admitWaiting(isStopped: () => boolean): void {
    const entries = this.waiting;
    this.waiting = [];
    this.window.waiting(-entries.length);
    this.admit(entries, isStopped);
    this.window.wakeIfRoom();
  }

  /** Hands back the entries that wait for room (the loop stopped). */
  release(): void {
    const ids = this.waitingIds();
    this.window.waiting(-ids.length);
    this.waiting = [];
    this.handBack(ids);
    this.window.wakeIfRoom();
  }

  /**
   * Hands back entries that were read but not emitted (the subscriber left in the middle of a read):
   * they are marked idle for `claimIdleAfterMs`, so the group's next claim walk takes them at once.
   */
  handBack(ids: string[]): void {
    if (ids.length === 0) return;
    const idleMs = Number.isFinite(this.options.claimIdleAfterMs) ? this.options.claimIdleAfterMs : 0;
    const { key, consumer } = this.target;
    // without claims (a backend that redelivers by itself) there is nothing to hand back
    this.ctx.transport.capabilities.claims?.markIdle(key, this.ctx.group, consumer, ids, idleMs).subscribe({ error: this.ctx.report });
  }

  private admitOne(entry: ReadEntry, isStopped: () => boolean, read: ReadMoment): void {
    const { stream, key } = this.target;
    const { maxDeliveries, maxMessageBytes } = this.options;
    const only = entry.fields[TARGET_GROUP_FIELD];
    if (only !== undefined && only !== this.ctx.group) {
      this.ctx.ack(key, entry.id).done.catch(() => undefined); // redriven for another group
      return;
    }
    if (entry.deliveryCount > maxDeliveries) {
      const error = `abandoned: delivered ${entry.deliveryCount - 1} times without an ack`;
      return void this.deadLetters.move(entry.id, { reason: 'max-deliveries', error, deliveryCount: entry.deliveryCount - 1 });
    }
    const raw = entry.fields[VALUE_FIELD];
    if (raw !== undefined && exceedsBytes(raw, maxMessageBytes)) {
      const error = `value field is ${utf8Bytes(raw)} bytes, more than maxMessageBytes (${maxMessageBytes}); not decoded`;
      return void this.deadLetters.move(entry.id, { reason: 'too-large', error, deliveryCount: entry.deliveryCount });
    }
    let value: T;
    try {
      value = decodeValueOf<T>(stream.name, entry.id, entry.fields, stream.codec);
    } catch (error) {
      return void this.deadLetters.move(entry.id, { reason: 'decode', error: messageOf(error), deliveryCount: entry.deliveryCount });
    }
    if (stream.schema && this.checks) {
      this.held.handle(entry.id, read.now);
      this.checks.add(checkValue(stream.schema, value), (checked) => this.afterCheck(entry, checked, isStopped));
    } else {
      this.deliver(entry, value, read);
    }
  }

  private wait(entries: readonly ReadEntry[]): void {
    this.waiting.push(...entries);
    this.window.waiting(entries.length);
  }

  /** Delivers what the schema output, dead-letters what it refused, or gives the entry back when the consumer stopped meanwhile. */
  private afterCheck(entry: ReadEntry, checked: Checked<T>, isStopped: () => boolean): void {
    if (isStopped()) {
      this.held.letGo(entry.id);
      this.handBack([entry.id]);
      this.events.roomFreed();
    } else if (checked.valid) {
      this.deliver(entry, checked.value, { now: this.options.scheduler.now(), recording: this.ctx.tracing?.sdkRegistered() === true });
    } else {
      void this.deadLetters.move(entry.id, { reason: 'invalid', error: describeIssues(checked.issues), deliveryCount: entry.deliveryCount });
    }
  }

  private deliver(entry: ReadEntry, value: T, read: ReadMoment): void {
    const { stream, consumer, partition } = this.target;
    const { id, deliveryCount, fields } = entry;
    this.held.handle(id, read.now);
    const { instrument, tracing } = this.ctx;
    if (instrument.on) instrument.emit({ type: 'consumer.delivered', stream: stream.name, consumer, id, deliveryCount });
    if (tracing?.spans(fields, read.recording)) {
      tracing.deliver(stream.name, this.target.key, id, deliveryCount, fields, (endSpan) =>
        this.events.emit(deliveryOf(id, value, stream.name, fields[KEY_FIELD], partition, deliveryCount, idTime(id), endSpan ? tracedSettler(this.settler, endSpan) : this.settler)),
      );
    } else {
      this.events.emit(deliveryOf(id, value, stream.name, fields[KEY_FIELD], partition, deliveryCount, idTime(id), this.settler));
    }
  }
}
