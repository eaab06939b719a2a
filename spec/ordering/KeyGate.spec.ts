import type { Delivery } from '../../src';
import { KeyGate } from '../../src/ordering/KeyGate';

const delivery = (id: string, key?: string) => ({ id, key }) as Delivery<unknown>;

describe('KeyGate', () => {
  const setUp = () => {
    const emitted: string[] = [];
    const gate = new KeyGate<unknown>((d) => emitted.push(d.id));
    return { gate, emitted };
  };

  it('emits one delivery per key at a time, in arrival order; other keys and keyless ones pass', () => {
    const { gate, emitted } = setUp();
    for (const [id, key] of [['1', 'a'], ['2', 'a'], ['3', 'b'], ['4', undefined], ['5', 'a']] as const) gate.admit(delivery(id, key));
    expect(emitted).toEqual(['1', '3', '4']);
    gate.done('1');
    expect(emitted).toEqual(['1', '3', '4', '2']);
    gate.done('2');
    gate.done('3');
    expect(emitted).toEqual(['1', '3', '4', '2', '5']);
    gate.done('5');
    gate.admit(delivery('6', 'a'));
    expect(emitted).toEqual(['1', '3', '4', '2', '5', '6']);
  });

  it('a redelivery of the entry holding its key passes; done of an unknown or waiting id changes nothing', () => {
    const { gate, emitted } = setUp();
    gate.admit(delivery('1', 'a'));
    gate.admit(delivery('2', 'a'));
    gate.admit(delivery('1', 'a')); // nacked and delivered again
    gate.done('2');
    gate.done('nope');
    expect(emitted).toEqual(['1', '1']);
    gate.done('1');
    expect(emitted).toEqual(['1', '1', '2']);
  });

  it('drain hands back what is waiting and empties the queues', () => {
    const { gate, emitted } = setUp();
    for (const id of ['1', '2', '3']) gate.admit(delivery(id, 'a'));
    expect(gate.drain().map((d) => d.id)).toEqual(['2', '3']);
    gate.done('1');
    expect(emitted).toEqual(['1']);
  });

  it('a closed gate emits nothing more, not the next of a key once its current one is done, nor keyless ones; drain hands all of them back', () => {
    const emitted: string[] = [];
    let open = true;
    const gate = new KeyGate<unknown>(
      (d) => emitted.push(d.id),
      () => open,
    );
    gate.admit(delivery('1', 'a'));
    gate.admit(delivery('2', 'a'));
    open = false; // the lease lapsed
    gate.admit(delivery('3', 'b'));
    gate.admit(delivery('4', undefined));
    gate.done('1');
    gate.admit(delivery('5', 'a'));
    expect(emitted).toEqual(['1']);
    expect(gate.drain().map((d) => d.id)).toEqual(['4', '2', '5', '3']);
    expect(gate.drain()).toEqual([]);
  });
});
