import { createDelivery, type Delivery, type DeliverySettler } from '../../src/consumer/Delivery';

/** One call that reached the fake settler, with the (virtual) frame it arrived at. */
export type SettleCall =
  | { readonly op: 'ack'; readonly id: string; readonly frame: number }
  | { readonly op: 'nack'; readonly id: string; readonly delayMs: number; readonly frame: number };

/** Options of {@link fakeDeliveries}. */
export interface FakeDeliveriesOptions {
  /** Clock of the recorded frames: pass the `TestScheduler` under test. Default: always 0. */
  readonly clock?: { now(): number };
  /** What the settler's `ack`/`nack` return. Default: a resolved promise. */
  readonly settle?: (call: SettleCall) => Promise<void>;
}

/** Deliveries backed by a settler that records every ack and nack. */
export interface FakeDeliveries {
  /** Every call the settler received, in call order (a delivery settles at most once). */
  readonly calls: SettleCall[];
  /** One delivery per entry of `values`, under the same key, whose id is that key: marble values for `cold`/`hot`. */
  of<K extends string, T>(values: Record<K, T>): Record<K, Delivery<T>>;
}

/** Creates deliveries with `createDelivery` whose settler records the ack/nack calls and `clock.now()`. */
export function fakeDeliveries(options: FakeDeliveriesOptions = {}): FakeDeliveries {
  const { clock = { now: () => 0 }, settle = () => Promise.resolve() } = options;
  const calls: SettleCall[] = [];
  const record = (call: SettleCall): Promise<void> => {
    calls.push(call);
    return settle(call);
  };
  const settler: DeliverySettler = {
    ack: (id) => record({ op: 'ack', id, frame: clock.now() }),
    nack: (id, _deliveryCount, delayMs) => record({ op: 'nack', id, delayMs, frame: clock.now() }),
  };
  const delivery = <T>(id: string, value: T): Delivery<T> =>
    createDelivery({ id, value, stream: 'fake', key: undefined, deliveryCount: 1, producedAt: new Date(0) }, settler);
  return {
    calls,
    of: <K extends string, T>(values: Record<K, T>) =>
      Object.fromEntries(Object.entries<T>(values).map(([id, value]) => [id, delivery(id, value)])) as Record<K, Delivery<T>>,
  };
}
