import { createDelivery, deliveryOf, type DeliveryInit, type DeliverySettler } from '../../src/consumer/Delivery';

const init: DeliveryInit<{ n: number }> = { id: '1700000000000-3', value: { n: 1 }, stream: 'jobs', key: 'k1', partition: 0, deliveryCount: 2, producedAt: new Date(1700000000000) };

/** A settler whose every call returns its own resolved promise, so identity shows which call a promise came from. */
function recordingSettler() {
  const settler = {
    ack: jest.fn((_id: string, _deliveryCount: number) => Promise.resolve()),
    nack: jest.fn((_id: string, _deliveryCount: number, _delayMs: number) => Promise.resolve()),
    deadLetter: jest.fn((_id: string, _deliveryCount: number, _reason: string | undefined) => Promise.resolve()),
  };
  return settler satisfies DeliverySettler;
}

describe('delivery', () => {
  it('delivery - exposes the fields it was created with', () => {
    const { ack: _ack, nack: _nack, deadLetter: _deadLetter, ...fields } = createDelivery(init, recordingSettler());
    expect(fields).toStrictEqual(init);
  });

  it('delivery - deliveryOf takes the same fields one by one, in the same order, and settles through its settler', async () => {
    const settler = recordingSettler();
    const { id, value, stream, key, partition, deliveryCount, producedAt } = init;
    const delivery = deliveryOf(id, value, stream, key, partition, deliveryCount, producedAt, settler);
    const { ack, nack: _nack, deadLetter: _deadLetter, ...fields } = delivery;
    expect(fields).toStrictEqual(init);
    expect(Object.keys(delivery)).toStrictEqual(Object.keys(init));
    await ack();
    expect(settler.ack.mock.calls).toStrictEqual([['1700000000000-3', 2]]);
  });

  it('delivery - repeated ack() returns the same promise and calls the settler once', async () => {
    const settler = recordingSettler();
    const delivery = createDelivery(init, settler);
    const first = delivery.ack();
    expect(delivery.ack()).toBe(first);
    expect(first).toBe(settler.ack.mock.results[0]?.value);
    expect(settler.ack.mock.calls).toStrictEqual([['1700000000000-3', 2]]);
    expect(settler.nack).not.toHaveBeenCalled();
    await expect(first).resolves.toBeUndefined();
  });

  it('delivery - ack() wins over a later nack(): nack returns the ack promise', () => {
    const settler = recordingSettler();
    const delivery = createDelivery(init, settler);
    const acked = delivery.ack();
    expect(delivery.nack({ delayMs: 100 })).toBe(acked);
    expect(delivery.nack()).toBe(acked);
    expect(settler.ack).toHaveBeenCalledTimes(1);
    expect(settler.nack).toHaveBeenCalledTimes(0);
  });

  it('delivery - nack() wins over a later ack(): ack returns the nack promise', () => {
    const settler = recordingSettler();
    const delivery = createDelivery(init, settler);
    const nacked = delivery.nack({ delayMs: 250 });
    expect(delivery.ack()).toBe(nacked);
    expect(delivery.nack({ delayMs: 5 })).toBe(nacked);
    expect(settler.nack.mock.calls).toStrictEqual([['1700000000000-3', 2, 250, undefined]]);
    expect(settler.ack).toHaveBeenCalledTimes(0);
  });

  it.each([undefined, {}, { delayMs: undefined }])('delivery - nack(%p) uses a delay of 0', (options) => {
    const settler = recordingSettler();
    void createDelivery(init, settler).nack(options);
    expect(settler.nack.mock.calls).toStrictEqual([['1700000000000-3', 2, 0, undefined]]);
  });

  it('delivery - nack({ error }) hands the error to the settler (kept if the event is dead-lettered)', () => {
    const settler = recordingSettler();
    const boom = new Error('boom');
    void createDelivery(init, settler).nack({ delayMs: 7, error: boom });
    expect(settler.nack.mock.calls).toStrictEqual([['1700000000000-3', 2, 7, boom]]);
  });

  it.each([-1, NaN, Infinity, '5'])('delivery - nack({ delayMs: %p }) rejects with a RangeError and settles nothing', async (delayMs) => {
    const settler = recordingSettler();
    const delivery = createDelivery(init, settler);
    const nacked = delivery.nack({ delayMs: delayMs as number });
    await expect(nacked).rejects.toThrow(RangeError);
    await expect(nacked).rejects.toThrow(`nack delayMs must be a number of milliseconds between 0 and 2147483647, got ${String(delayMs)}`);
    expect(settler.nack).toHaveBeenCalledTimes(0);
    await delivery.ack(); // still unsettled: the ack goes through
    expect(settler.ack).toHaveBeenCalledTimes(1);
  });

  it('delivery - deadLetter(reason) hands the id, count and reason to the settler once; later settles return its promise', () => {
    const settler = recordingSettler();
    const delivery = createDelivery(init, settler);
    const dead = delivery.deadLetter('no such job');
    expect(delivery.deadLetter('again')).toBe(dead);
    expect(delivery.ack()).toBe(dead);
    expect(delivery.nack({ delayMs: 5 })).toBe(dead);
    expect(settler.deadLetter.mock.calls).toStrictEqual([['1700000000000-3', 2, 'no such job']]);
    expect(settler.ack).toHaveBeenCalledTimes(0);
    expect(settler.nack).toHaveBeenCalledTimes(0);
  });

  it('delivery - deadLetter() without a reason hands undefined; after an ack it returns the ack promise', () => {
    const settler = recordingSettler();
    void createDelivery(init, settler).deadLetter();
    expect(settler.deadLetter.mock.calls).toStrictEqual([['1700000000000-3', 2, undefined]]);
    const acked = createDelivery(init, settler);
    const ack = acked.ack();
    expect(acked.deadLetter('late')).toBe(ack);
    expect(settler.deadLetter).toHaveBeenCalledTimes(1);
  });

  it.each([42, null, { text: 'x' }])('delivery - deadLetter(%p) rejects with a TypeError and settles nothing', async (reason) => {
    const settler = recordingSettler();
    const delivery = createDelivery(init, settler);
    await expect(delivery.deadLetter(reason as unknown as string)).rejects.toThrow(TypeError);
    await expect(delivery.deadLetter(reason as unknown as string)).rejects.toThrow('deadLetter reason must be a string');
    expect(settler.deadLetter).toHaveBeenCalledTimes(0);
    await delivery.ack();
    expect(settler.ack).toHaveBeenCalledTimes(1);
  });

  it('delivery - detached ack, nack and deadLetter settle their delivery (const { ack } = delivery; .then(delivery.ack))', async () => {
    const settler = recordingSettler();
    const [acked, nacked, dead, chained] = [init, { ...init, id: '1-1' }, { ...init, id: '1-2' }, { ...init, id: '1-3' }].map((fields) => createDelivery(fields, settler)) as [
      ReturnType<typeof createDelivery>,
      ReturnType<typeof createDelivery>,
      ReturnType<typeof createDelivery>,
      ReturnType<typeof createDelivery>,
    ];
    const { ack } = acked;
    const { nack } = nacked;
    const { deadLetter } = dead;
    await ack();
    await nack({ delayMs: 50 });
    await deadLetter('gone');
    await Promise.resolve().then(chained.ack);
    expect(ack()).toBe(acked.ack()); // still the first settle: detached or not, the same promise
    expect(settler.ack.mock.calls).toStrictEqual([
      ['1700000000000-3', 2],
      ['1-3', 2],
    ]);
    expect(settler.nack.mock.calls).toStrictEqual([['1-1', 2, 50, undefined]]);
    expect(settler.deadLetter.mock.calls).toStrictEqual([['1-2', 2, 'gone']]);
  });

  it('delivery - a detached method is the same function each time it is read', () => {
    const delivery = createDelivery(init, recordingSettler());
    expect(delivery.ack).toBe(delivery.ack);
    expect(delivery.nack).toBe(delivery.nack);
    expect(delivery.deadLetter).toBe(delivery.deadLetter);
  });
});
