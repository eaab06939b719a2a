import type { Delivery } from '../consumer/Delivery';
import type { DeliveryGate } from '../consumer/DeliveryGate';

/**
 * Hands out deliveries so that events with the same key are handled one at a time, in the order
 * they arrive: a delivery whose key has another one un-acked waits until that one's ack is recorded
 * by the broker, or it is gone
 * (dead-lettered, taken over). A nacked delivery keeps its key busy until it comes back and is
 * acked, so nothing of that key overtakes it. Deliveries without a key pass at once.
 *
 * While the gate is not `open` (an ordered consumer's partition lease lapsed), nothing goes out:
 * deliveries wait, to be drained and handed back.
 */
export class KeyGate<T> implements DeliveryGate<T> {
  /** Key → id of the delivery being handled. */
  private readonly busy = new Map<string, string>();
  /** Id being handled → its key. */
  private readonly keyOf = new Map<string, string>();
  private readonly waiting = new Map<string, Delivery<T>[]>();
  /** Deliveries without a key that came while the gate was closed. */
  private readonly keyless: Delivery<T>[] = [];

  /** @param open Whether deliveries may go out; once it answers false it must stay false (the gate then only fills, until drained). */
  constructor(
    private readonly emit: (delivery: Delivery<T>) => void,
    private readonly open: () => boolean = () => true,
  ) {}

  /** A delivery read from the broker (or delivered again): emitted now, or when its key is free. */
  admit(delivery: Delivery<T>): void {
    const { key, id } = delivery;
    if (key === undefined) return this.open() ? this.emit(delivery) : void this.keyless.push(delivery);
    const current = this.busy.get(key);
    if ((current !== undefined && current !== id) || !this.open()) {
      const queue = this.waiting.get(key);
      if (queue) queue.push(delivery);
      else this.waiting.set(key, [delivery]);
      return;
    }
    this.busy.set(key, id);
    this.keyOf.set(id, key);
    this.emit(delivery);
  }

  /** The entry `id` is done with (acked, dead-lettered or taken over): the next one of its key goes out. */
  done(id: string): void {
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const queue = this.waiting.get(key);
    const next = this.open() ? queue?.shift() : undefined;
    if (queue?.length === 0) this.waiting.delete(key);
    if (!next) {
      this.busy.delete(key);
      return;
    }
    this.busy.set(key, next.id);
    this.keyOf.set(next.id, key);
    this.emit(next);
  }

  /** Takes the deliveries still waiting (never emitted), for handing back when the consumer stops. */
  drain(): Delivery<T>[] {
    const waiting = [...this.keyless, ...[...this.waiting.values()].flat()];
    this.waiting.clear();
    this.keyless.length = 0;
    return waiting;
  }
}
