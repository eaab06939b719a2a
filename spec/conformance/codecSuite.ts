import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { broadcastStream, DecodeError, EncodeError, eventStream, forwardTo, type Codec, type EventStream } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

interface Line {
  sku: string;
  qty: number;
}

/** A custom codec: `<sku>|<qty>`; refuses a quantity below 0 when encoding and text without `|` when decoding. */
const LINE_CODEC: Codec<Line> = {
  encode(line) {
    if (line.qty < 0) throw new RangeError(`negative quantity ${line.qty}`);
    return `${line.sku}|${line.qty}`;
  },
  decode(text) {
    const [sku, qty] = text.split('|');
    if (qty === undefined) throw new SyntaxError(`no "|" in ${JSON.stringify(text)}`);
    return { sku: sku as string, qty: Number(qty) };
  },
};

/** Reads a stream's value fields as stored: the same stream under a codec that hands back the text. */
const STORED: Codec<string> = { encode: (text) => text, decode: (text) => text };
async function storedValues(service: { read<T>(stream: EventStream<T>): Promise<{ entries: readonly { value: T }[] }> }, name: string): Promise<string[]> {
  return (await service.read(eventStream<string>(name, { codec: STORED }))).entries.map((entry) => entry.value);
}

/** The `'json'` and custom codecs of event and broadcast streams. */
export function codecSuite(ctx: () => BackendContext): void {
  it("json codec - produce writes plain JSON text, consume, read and dead letters decode it, keyed", async () => {
    const orders = eventStream<{ orderId: string; lines: { sku: string; qty: number }[]; note: string | null }>(uniqueName('orders'), { codec: 'json', key: (order) => order.orderId });
    const service = ctx().createService({ group: 'billing' });
    const values = [
      { orderId: 'o-1', lines: [{ sku: 'a', qty: 2 }], note: null },
      { orderId: 'o-2', lines: [], note: 'gift é\u2028' },
    ];
    const ids = await service.produce(orders, ...values);
    expect(await storedValues(service, orders.name)).toEqual(['{"orderId":"o-1","lines":[{"sku":"a","qty":2}],"note":null}', '{"orderId":"o-2","lines":[],"note":"gift é\u2028"}']);
    const deliveries = await collect(service.consume(orders, { from: 'start' }), 2);
    expect(deliveries.map(({ id, value, key }) => ({ id, value, key }))).toEqual([
      { id: ids[0], value: values[0], key: 'o-1' },
      { id: ids[1], value: values[1], key: 'o-2' },
    ]);
    expect((await service.read(orders)).entries.map((entry) => entry.value)).toEqual(values);
    await deliveries[0]?.deadLetter('refused');
    await deliveries[1]?.ack();
    await eventually('the dead letter', async () => (await service.deadLetters(orders)).length === 1);
    const [letter] = await service.deadLetters(orders);
    expect({ reason: letter?.reason, error: letter?.error, value: letter?.value, key: letter?.key }).toEqual({ reason: 'rejected', error: 'refused', value: values[0], key: 'o-1' });
  });

  it('json codec - a value JSON cannot hold is an EncodeError naming the stream and the path; nothing of the call is written', async () => {
    const name = uniqueName('json');
    const stream = eventStream<unknown>(name, { codec: 'json' });
    const service = ctx().createService({ group: 'A' });
    class Order {
      id = 1;
    }
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const cases: [unknown, string, RegExp][] = [
      [{ a: undefined }, 'value.a', /is undefined/],
      [undefined, 'value', /is undefined/],
      [{ n: 10n }, 'value.n', /is a BigInt/],
      [{ list: [1, Number.NaN] }, 'value.list[1]', /is NaN/],
      [{ x: Infinity }, 'value.x', /is Infinity/],
      [{ at: new Date(0) }, 'value.at', /is a Date \(JSON has no dates: send date.toISOString\(\)/],
      [{ m: new Map() }, 'value.m', /is a Map/],
      [new Set([1]), 'value', /is a Set/],
      [new Order(), 'value', /is an instance of Order/],
      [{ f: () => 1 }, 'value.f', /is a function/],
      [{ [Symbol('s')]: 1 }, 'value', /has a symbol key/],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 3], 'value[1]', /is a hole/],
      [cycle, 'value.self', /is a cycle/],
      [JSON.parse('{"__proto__":{"x":1}}'), 'value.__proto__', /prototype pollution/],
    ];
    for (const [value, path, problem] of cases) {
      const error = await service.produce(stream, { fine: true }, value).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(EncodeError);
      expect({ stream: (error as EncodeError).stream, path: (error as EncodeError).path }).toEqual({ stream: name, path });
      expect((error as EncodeError).message).toMatch(problem);
      expect((error as EncodeError).message).toContain(`stream "${name}"`);
    }
    expect(await ctx().streamLength(name)).toBe(0);
    const shared = { sku: 'a' };
    await service.produce(stream, { first: shared, second: shared });
    expect(await storedValues(service, name)).toEqual(['{"first":{"sku":"a"},"second":{"sku":"a"}}']);
  });

  it('superjson codec - an instance of a class superjson does not know is an EncodeError naming the path and the class; nothing of the call is written', async () => {
    const name = uniqueName('prices');
    const prices = eventStream<{ price: unknown }>(name);
    const service = ctx().createService({ group: 'A' });
    class Money {
      constructor(readonly cents: number) {}
    }
    const error = await service.produce(prices, { price: 1 }, { price: new Money(5) }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(EncodeError);
    expect({ stream: (error as EncodeError).stream, path: (error as EncodeError).path, message: (error as EncodeError).message }).toEqual({
      stream: name,
      path: 'value.price',
      message: `cannot encode the event for stream "${name}": value.price is an instance of Money, a class superjson does not know (it would arrive as a plain object, without its class): register the class with superjson.registerClass(Money) or superjson.registerCustom(...) before producing, or send a plain object; nothing was written`,
    });
    expect(await ctx().streamLength(name)).toBe(0);
    await service.produce(prices, { price: { cents: 5 } }, { price: new Map([['EUR', 5n]]) });
    expect((await service.read(prices)).entries.map((entry) => entry.value)).toEqual([{ price: { cents: 5 } }, { price: new Map([['EUR', 5n]]) }]);
  });

  it('json codec - entries of another client are consumed; text that is not JSON is dead-lettered as decode and consumption goes on', async () => {
    const name = uniqueName('json');
    const stream = eventStream<unknown>(name, { codec: 'json' });
    const service = ctx().createService({ group: 'A' });
    await ctx().appendRaw(name, { v: '{"n":1,"at":"2026-01-01T00:00:00.000Z"}' });
    const bad = await ctx().appendRaw(name, { v: 'not json' });
    const polluting = await ctx().appendRaw(name, { v: '{"a":{"__proto__":{"x":1}}}' });
    await ctx().appendRaw(name, { v: '[1,"two",null]' });
    const values = (await collect(service.consume(stream, { from: 'start' }), 2)).map((delivery) => (void delivery.ack(), delivery.value));
    expect(values).toEqual([{ n: 1, at: '2026-01-01T00:00:00.000Z' }, [1, 'two', null]]);
    await eventually('two dead letters', async () => (await service.deadLetters(stream)).length === 2);
    const letters = await service.deadLetters(stream);
    expect(letters.map(({ sourceId, reason }) => ({ sourceId, reason }))).toEqual([
      { sourceId: bad, reason: 'decode' },
      { sourceId: polluting, reason: 'decode' },
    ]);
    expect(letters[0]?.error).toMatch(new RegExp(`^cannot decode entry ${bad} of stream "${name}": not valid JSON: `));
    expect(letters[1]?.error).toBe(`cannot decode entry ${polluting} of stream "${name}": holds a "__proto__" key (a prototype pollution risk)`);
  });

  it('json codec - a partitioned stream routes by key and consumes every partition', async () => {
    const stream = eventStream<{ id: string; n: number }>(uniqueName('parts'), { codec: 'json', partitions: 3, key: (value) => value.id });
    const service = ctx().createService({ group: 'A' });
    const values = Array.from({ length: 9 }, (_, n) => ({ id: `k${n % 4}`, n }));
    await service.produce(stream, ...values);
    const deliveries = await collect(service.consume(stream, { from: 'start' }), 9);
    deliveries.forEach((delivery) => void delivery.ack());
    expect(deliveries.map((delivery) => delivery.value).sort((a, b) => a.n - b.n)).toEqual(values);
    expect(deliveries.every((delivery) => delivery.key === delivery.value.id)).toBe(true);
  });

  it('custom codec - produce writes what encode returns, consume and read decode it; encode errors are EncodeErrors, nothing written', async () => {
    const name = uniqueName('lines');
    const lines = eventStream<Line>(name, { codec: LINE_CODEC, key: (line) => line.sku });
    const service = ctx().createService({ group: 'A' });
    const ids = await service.produce(lines, { sku: 'a', qty: 2 }, { sku: 'b', qty: 0 });
    expect(await storedValues(service, name)).toEqual(['a|2', 'b|0']);
    const refused = await service.produce(lines, { sku: 'c', qty: 1 }, { sku: 'd', qty: -1 }).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(EncodeError);
    expect((refused as EncodeError).message).toBe(`cannot encode the event for stream "${name}": value was refused by the codec's encode: negative quantity -1; nothing was written`);
    expect((refused as EncodeError).cause).toBeInstanceOf(RangeError);
    const notText = eventStream<Line>(name, { codec: { encode: () => 42 as unknown as string, decode: LINE_CODEC.decode } });
    await expect(service.produce(notText, { sku: 'e', qty: 1 })).rejects.toThrow(`cannot encode the event for stream "${name}": value was encoded by the codec's encode as number, expected a string; nothing was written`);
    expect(await ctx().streamLength(name)).toBe(2);
    const deliveries = await collect(service.consume(lines, { from: 'start' }), 2);
    deliveries.forEach((delivery) => void delivery.ack());
    expect(deliveries.map(({ id, value, key }) => ({ id, value, key }))).toEqual([
      { id: ids[0], value: { sku: 'a', qty: 2 }, key: 'a' },
      { id: ids[1], value: { sku: 'b', qty: 0 }, key: 'b' },
    ]);
    expect((await service.read(lines)).entries.map((entry) => entry.value)).toEqual([{ sku: 'a', qty: 2 }, { sku: 'b', qty: 0 }]);
  });

  it('custom codec - text decode refuses is dead-lettered as decode with its error; consumption goes on', async () => {
    const name = uniqueName('lines');
    const lines = eventStream<Line>(name, { codec: LINE_CODEC });
    const service = ctx().createService({ group: 'A' });
    const bad = await ctx().appendRaw(name, { v: 'no separator' });
    await ctx().appendRaw(name, { v: 'z|5' });
    const [delivery] = await collect(service.consume(lines, { from: 'start' }), 1);
    await delivery?.ack();
    expect(delivery?.value).toEqual({ sku: 'z', qty: 5 });
    await eventually('the dead letter', async () => (await service.deadLetters(lines)).length === 1);
    const [letter] = await service.deadLetters(lines);
    expect({ sourceId: letter?.sourceId, reason: letter?.reason, error: letter?.error, value: letter?.value, fields: letter?.fields }).toEqual({
      sourceId: bad,
      reason: 'decode',
      error: `cannot decode entry ${bad} of stream "${name}": the codec's decode threw: no "|" in "no separator"`,
      value: undefined,
      fields: { v: 'no separator' },
    });
  });

  it('codecs - forwardTo re-encodes values in the target stream’s codec', async () => {
    const source = eventStream<{ sku: string; qty: number; at: Date }>(uniqueName('source'));
    const target = eventStream<Line>(uniqueName('target'), { codec: LINE_CODEC });
    const plain = eventStream<Line>(uniqueName('plain'), { codec: 'json' });
    const service = ctx().createService({ group: 'A' });
    await service.produce(source, { sku: 'a', qty: 1, at: new Date(5) }, { sku: 'b', qty: 3, at: new Date(6) });
    const outcomes: unknown[] = [];
    const subscription = service
      .consume(source, { from: 'start' })
      .pipe(forwardTo(service, target, ({ sku, qty }) => ({ sku, qty })))
      .subscribe((outcome) => outcomes.push(outcome));
    await eventually('two forwarded', () => outcomes.length === 2);
    subscription.unsubscribe();
    expect(await storedValues(service, target.name)).toEqual(['a|1', 'b|3']);
    const second = ctx().createService({ group: 'B' });
    const subscription2 = second
      .consume(target, { from: 'start' })
      .pipe(forwardTo(second, plain))
      .subscribe();
    await eventually('forwarded as JSON', async () => (await storedValues(service, plain.name)).length === 2);
    subscription2.unsubscribe();
    expect(await storedValues(service, plain.name)).toEqual(['{"sku":"a","qty":1}', '{"sku":"b","qty":3}']);
  });

  it('json and custom codecs - broadcast sends the text, listen decodes it; undecodable messages are dropped and reported', async () => {
    const name = uniqueName('prices');
    const errors: unknown[] = [];
    const listener = ctx().createService({ group: 'L', onError: (error) => void errors.push(error) });
    const sender = ctx().createService({ group: 'S' });
    const asJson = broadcastStream<{ sku: string; price: number }>(name, { codec: 'json' });
    const asText = broadcastStream<string>(name, { codec: STORED });
    const heard = firstValueFrom(listener.listen(asJson).pipe(take(2), toArray(), timeout(5000)));
    const raw = firstValueFrom(sender.listen(asText).pipe(take(3), toArray(), timeout(5000)));
    await listener.listening(asJson);
    await sender.listening(asText);
    await sender.broadcast(asJson, { sku: 'a', price: 9.99 });
    await sender.broadcast(asText, 'not json');
    await sender.broadcast(asText, '{"sku":"b","price":5}');
    expect(await heard).toEqual([{ sku: 'a', price: 9.99 }, { sku: 'b', price: 5 }]);
    expect(await raw).toEqual(['{"sku":"a","price":9.99}', 'not json', '{"sku":"b","price":5}']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DecodeError);
    expect((errors[0] as DecodeError).message).toMatch(new RegExp(`^cannot decode entry \\(broadcast\\) of stream "${name}": not valid JSON: `));
    await expect(sender.broadcast(asJson, { sku: 'c', price: Number.NaN })).rejects.toThrow(`cannot encode the event for stream "${name}": value.price is NaN, which the 'json' codec cannot hold; nothing was written`);
    expect(() => sender.listen(broadcastStream<string>(name))).toThrow(`rx-redis-events: broadcast "${name}" is listened to with another codec already in this service; every definition of a channel needs the same codec`);
  });

  it('custom codec - broadcast encodes with encode, listeners decode; decode errors are reported, the next message arrives', async () => {
    const name = uniqueName('lines');
    const errors: unknown[] = [];
    const listener = ctx().createService({ group: 'L', onError: (error) => void errors.push(error) });
    const sender = ctx().createService({ group: 'S' });
    const lines = broadcastStream<Line>(name, { codec: LINE_CODEC });
    const heard = firstValueFrom(listener.listen(lines).pipe(take(2), toArray(), timeout(5000)));
    await listener.listening(lines);
    await sender.broadcast(lines, { sku: 'a', qty: 1 });
    await sender.broadcast(broadcastStream<string>(name, { codec: STORED }), 'garbage');
    await sender.broadcast(lines, { sku: 'b', qty: 2 });
    await expect(sender.broadcast(lines, { sku: 'c', qty: -1 })).rejects.toBeInstanceOf(EncodeError);
    expect(await heard).toEqual([{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }]);
    await sleep(50);
    expect(errors.map((error) => (error as Error).message)).toEqual([`cannot decode entry (broadcast) of stream "${name}": the codec's decode threw: no "|" in "garbage"`]);
  });
}
