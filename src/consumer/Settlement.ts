import type { PendingAck } from './AckCoalescer';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import { messageOf, type DeadLettering } from './DeadLettering';
import type { DeliverySettler } from './Delivery';
import type { HeldEntries } from './HeldEntries';
import type { InFlightEvents } from './InFlightEvents';
import type { Redelivery } from './Redelivery';

/**
 * How one loop's deliveries are settled (`ack`, `nack`, `deadLetter`): each frees its slot in the
 * window. An ack is kept until the broker answers it, so that the entry stays renewed and out of this
 * consumer's own claim walk meanwhile; a nack schedules the redelivery.
 */
export class Settlement<T> implements DeliverySettler {
  /** Ids acked here whose ack the broker has not answered yet, by the (coalesced) ack they go out in. */
  private readonly acking = new Map<PendingAck, string[]>();

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly held: HeldEntries,
    private readonly redelivery: Redelivery,
    private readonly deadLetters: DeadLettering<T>,
    private readonly events: InFlightEvents<T>,
  ) {}

  /** Whether every held delivery is nacked and the broker has answered every ack. */
  get settled(): boolean {
    return this.acking.size === 0 && this.held.onlyNacked;
  }

  /** Ids acked whose ack the broker has not answered yet. */
  acked(): string[] {
    const ids: string[] = [];
    for (const acked of this.acking.values()) ids.push(...acked);
    return ids;
  }

  ack(id: string): Promise<void> {
    this.held.letGo(id);
    const { instrument } = this.ctx;
    if (instrument.on) instrument.emit({ type: 'consumer.acked', stream: this.target.stream.name, consumer: this.target.consumer, id });
    const acked = this.ctx.ack(this.target.key, id);
    // told through a callback: a backend that answers at once has it in the same frame, also in virtual time
    const sharing = this.acking.get(acked);
    if (sharing) sharing.push(id);
    else this.awaitAnswer(acked, [id]);
    this.events.roomFreed();
    return acked.done;
  }

  nack(id: string, deliveryCount: number, delayMs: number, error?: unknown): Promise<void> {
    if (deliveryCount >= this.options.maxDeliveries) {
      return this.deadLetters.move(id, { reason: 'max-deliveries', error: error === undefined ? 'nacked' : messageOf(error), deliveryCount });
    }
    const { instrument } = this.ctx;
    if (instrument.on) instrument.emit({ type: 'consumer.nacked', stream: this.target.stream.name, consumer: this.target.consumer, id, deliveryCount, delayMs });
    if (!this.redelivery.released && this.held.nack(id)) this.redelivery.schedule(id, delayMs);
    else this.held.letGo(id);
    this.events.roomFreed();
    return Promise.resolve();
  }

  /** Moves an entry to the dead-letter stream at once, as its handler asked (`Delivery.deadLetter`); rejects when the move failed. */
  deadLetter(id: string, deliveryCount: number, reason: string | undefined): Promise<void> {
    return this.deadLetters.move(id, { reason: 'rejected', error: reason ?? 'rejected by the handler', deliveryCount }, true);
  }

  /** Keeps `ids` (acked together in `acked`) until the broker answers; once it recorded them, they are done. */
  private awaitAnswer(acked: PendingAck, ids: string[]): void {
    this.acking.set(acked, ids);
    const { done } = this.events;
    acked.whenAnswered(
      () => {
        this.acking.delete(acked);
        if (done) for (const doneId of ids) done(doneId);
        this.events.acksAnswered();
      },
      () => {
        this.acking.delete(acked);
        this.events.acksAnswered();
      },
    );
  }
}
