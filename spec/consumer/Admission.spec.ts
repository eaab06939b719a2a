import { TestScheduler } from 'rxjs/testing';
import { eventStream } from '../../src';
import { encodeValue, VALUE_FIELD } from '../../src/codec/entryCodec';
import { Admission } from '../../src/consumer/Admission';
import type { ConsumerContext } from '../../src/consumer/ConsumerContext';
import { consumeOptionsWithDefaults } from '../../src/consumer/consumeOptions';
import type { DeadLettering } from '../../src/consumer/DeadLettering';
import type { DeliverySettler } from '../../src/consumer/Delivery';
import { HeldEntries } from '../../src/consumer/HeldEntries';
import { SubscriptionWindow } from '../../src/consumer/SubscriptionWindow';
import type { ReadEntry } from '../../src/transport/StreamTransport';

const entry = (n: number): ReadEntry => ({ id: `${n}-0`, fields: { [VALUE_FIELD]: encodeValue('steps', { n }) }, deliveryCount: 1 });

/**
 * One loop's admission through a window of 4 that another loop shares (`other` takes and gives its
 * slots); `emitted` lists the values delivered, in order.
 */
function setUp() {
  const scheduler = new TestScheduler(() => undefined);
  const window = new SubscriptionWindow(4, scheduler);
  const held = new HeldEntries(window, Infinity);
  const emitted: number[] = [];
  const ctx = { transport: { capabilities: {} }, instrument: { on: false }, tracing: undefined, group: 'G', report: (error: unknown) => fail(error) } as unknown as ConsumerContext;
  const target = { stream: eventStream<{ n: number }>('steps'), key: 'steps', partition: 0, consumer: 'c' };
  const options = consumeOptionsWithDefaults({}, scheduler, Infinity);
  const events = { emit: (delivery: { value: { n: number } }) => emitted.push(delivery.value.n), roomFreed: () => undefined, redeliveryDue: () => undefined, acksAnswered: () => undefined };
  const admission = new Admission(ctx, target, options, window, held, {} as DeadLettering<{ n: number }>, {} as DeliverySettler, events);
  const other = { take: (count: number) => Array.from({ length: count }, () => window.take()), give: (count: number) => Array.from({ length: count }, () => window.give()) };
  return { admission, window, held, emitted, other };
}

const running = () => false;

describe('Admission', () => {
  it('admission - entries of a later read wait behind those of an earlier read that wait for room, and come after them in read order', () => {
    const { admission, window, emitted, other } = setUp();
    other.take(2);
    admission.admit([entry(1), entry(2), entry(3)], running); // room for two: 3 waits
    expect({ emitted, waiting: admission.waitingIds(), room: window.room }).toEqual({ emitted: [1, 2], waiting: ['3-0'], room: 0 });
    other.give(2); // the other loop's deliveries are settled: half the window is free again
    admission.admit([entry(4), entry(5)], running); // a read sent ahead, taken before what waits
    expect({ emitted, waiting: admission.waitingIds(), room: window.room }).toEqual({ emitted: [1, 2], waiting: ['3-0', '4-0', '5-0'], room: 2 });
    admission.admitWaiting(running);
    expect({ emitted, waiting: admission.waitingIds(), room: window.room }).toEqual({ emitted: [1, 2, 3, 4], waiting: ['5-0'], room: 0 });
  });

  it('admission - an entry delivered again that the loop holds passes what waits for room: it kept its slot', () => {
    const { admission, held, emitted, other } = setUp();
    other.take(1);
    admission.admit([entry(1), entry(2), entry(3), entry(4)], running);
    expect({ emitted, waiting: admission.waitingIds() }).toEqual({ emitted: [1, 2, 3], waiting: ['4-0'] });
    held.nack('2-0');
    admission.admit([{ ...entry(2), deliveryCount: 2 }, entry(5)], running); // its redelivery, then a new entry
    expect({ emitted, waiting: admission.waitingIds() }).toEqual({ emitted: [1, 2, 3, 2], waiting: ['4-0', '5-0'] });
  });
});
