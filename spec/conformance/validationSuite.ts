import { map } from 'rxjs';
import * as v from 'valibot';
import { z } from 'zod';
import { broadcastStream, eventStream, forwardTo, isRetriable, ValidationError, type Delivery, type StandardSchemaV1 } from '../../src';
import { partitionKeys } from '../../src/partitions/streamLayout';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually, sleep } from '../support/eventually';

const Order = z.object({ id: z.string().trim(), qty: z.number().int().positive().default(1), note: z.string().optional() });
type Order = z.output<typeof Order>;

/** A Standard Schema whose `validate` answers with a Promise after `delayMs(value)`: `{ n }` with n >= 0 is valid, doubled. */
function slowSchema(delayMs: (n: number) => number, running: { now: number; most: number; calls: number }): StandardSchemaV1<unknown, { n: number }> {
  return {
    '~standard': {
      version: 1,
      vendor: 'spec',
      validate: async (value) => {
        running.now++;
        running.calls++;
        running.most = Math.max(running.most, running.now);
        const n = (value as { n: number }).n;
        await sleep(delayMs(n));
        running.now--;
        return n >= 0 ? { value: { n: n * 2 } } : { issues: [{ message: 'must not be negative', path: [{ key: 'n' }] }] };
      },
    },
  };
}

/** Standard Schema validation (zod, valibot, asynchronous): produce refuses a call whole, consumers dead-letter, listeners drop and report. */
export function validationSuite(ctx: () => BackendContext): void {
  const orders = () => eventStream(uniqueName('orders'), { schema: Order });
  /** The same stream without a schema: what another producer (an older version, another language) may write. */
  const unchecked = (name: string) => eventStream<unknown>(name);

  it('schema produce - an invalid event rejects the whole call with a ValidationError naming its index and issues; nothing is written', async () => {
    const stream = orders();
    const service = ctx().createService({ group: 'A' });
    const call = service.produce(stream, { id: 'a', qty: 1 }, { id: 'b', qty: 2 }, { id: 7, qty: -1 } as unknown as Order, { id: 'd', qty: 1 });
    const error = (await call.catch((caught: unknown) => caught)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(isRetriable(error)).toBe(false);
    expect({ name: error.name, stream: error.stream, index: error.index, phase: error.phase, issues: error.issues }).toEqual({
      name: 'ValidationError',
      stream: stream.name,
      index: 2,
      phase: 'produce',
      issues: [
        { message: 'Invalid input: expected string, received number', path: ['id'] },
        { message: 'Too small: expected number to be >0', path: ['qty'] },
      ],
    });
    expect(error.message).toBe(`invalid event at index 2 of the call for stream "${stream.name}": id: Invalid input: expected string, received number; qty: Too small: expected number to be >0; nothing of the call was written`);
    expect(await ctx().streamLength(stream.name)).toBe(0);
  });

  it('schema produce - valibot: the issues keep their paths, nested and in arrays', async () => {
    const Cart = v.object({ items: v.array(v.object({ sku: v.string() })) });
    const stream = eventStream(uniqueName('carts'), { schema: Cart });
    const service = ctx().createService({ group: 'A' });
    const error = (await service.produce(stream, { items: [{ sku: 'x' }, { sku: 3 as unknown as string }] }).catch((caught: unknown) => caught)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect([error.index, error.issues]).toEqual([0, [{ message: 'Invalid type: Expected string but received 3', path: ['items', 1, 'sku'] }]]);
    expect(error.message).toBe(`invalid event at index 0 of the call for stream "${stream.name}": items[1].sku: Invalid type: Expected string but received 3; nothing of the call was written`);
    expect(await ctx().streamLength(stream.name)).toBe(0);
  });

  it('schema produce - what is written is the schema output (transforms and defaults applied), and that is what is consumed', async () => {
    const stream = orders();
    const service = ctx().createService({ group: 'A' });
    // a JavaScript caller, or a cast, can leave out what the schema defaults
    await service.produce(stream, { id: '  a  ', qty: 2 }, { id: 'b' } as Order);
    const page = await service.read(stream);
    expect(page.entries.map((entry) => entry.value)).toEqual([{ id: 'a', qty: 2 }, { id: 'b', qty: 1 }]);
    const got = await collect(service.consume(stream, { from: 'start' }).pipe(map((d) => (void d.ack(), d.value))), 2);
    expect(got).toEqual([{ id: 'a', qty: 2 }, { id: 'b', qty: 1 }]);
  });

  it('schema produce - a stream of several partitions with a key: the whole call is refused before any partition is written', async () => {
    const stream = eventStream(uniqueName('orders'), { schema: Order, partitions: 4, key: (order) => order.id });
    const service = ctx().createService({ group: 'A' });
    const events = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, qty: 1 }));
    events[3] = { id: 'd', qty: 0 };
    await expect(service.produce(stream, ...events)).rejects.toMatchObject({ name: 'ValidationError', index: 3, issues: [{ message: 'Too small: expected number to be >0', path: ['qty'] }] });
    expect(await Promise.all(partitionKeys('', stream).map((key) => ctx().streamLength(key)))).toEqual([0, 0, 0, 0]);
    const producer = service.createProducer(stream);
    await expect(producer.produce({ id: 'z', qty: 1.5 })).rejects.toMatchObject({ name: 'ValidationError', index: 0, issues: [{ message: 'Invalid input: expected int, received number', path: ['qty'] }] });
    expect((await service.describe(stream)).length).toBe(0);
  });

  it('schema forwardTo - an invalid output nacks its source with the ValidationError and writes nothing to the target', async () => {
    const source = eventStream<{ id: string; qty: number }>(uniqueName('source'));
    const target = orders();
    const service = ctx().createService({ group: 'F' });
    await service.produce(source, { id: 'ok', qty: 1 }, { id: 'bad', qty: -5 });
    const outcomes = await collect(service.consume(source, { from: 'start', maxDeliveries: 1 }).pipe(forwardTo(service, target)), 2);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false]);
    const failure = outcomes[1] as { error: ValidationError };
    expect(failure.error).toBeInstanceOf(ValidationError);
    expect([failure.error.stream, failure.error.index, failure.error.issues]).toEqual([target.name, 0, [{ message: 'Too small: expected number to be >0', path: ['qty'] }]]);
    expect(await ctx().streamLength(target.name)).toBe(1);
    await eventually('the dead letter', async () => (await service.deadLetters(source)).length === 1);
    const [letter] = await service.deadLetters(source);
    expect(letter).toMatchObject({ reason: 'max-deliveries', error: failure.error.message, value: { id: 'bad', qty: -5 } });
  });

  it('schema consume - an invalid entry goes to the dead-letter stream as invalid with the issues as its error; the rest flows, defaults applied', async () => {
    const stream = eventStream(uniqueName('orders'), { schema: Order, key: (order) => order.id });
    const other = eventStream<Record<string, unknown>>(stream.name, { key: (value) => String(value.id) });
    const service = ctx().createService({ group: 'A' });
    const [, badId] = await service.produce(other, { id: 'a' }, { id: 'b', qty: 'many' }, { id: 'c', qty: 3, extra: true });
    const got = await collect(service.consume(stream, { from: 'start' }).pipe(map((d) => (void d.ack(), [d.key, d.value]))), 2);
    expect(got).toEqual([['a', { id: 'a', qty: 1 }], ['c', { id: 'c', qty: 3 }]]);
    await eventually('the dead letter', async () => (await service.deadLetters(stream)).length === 1);
    const [letter] = await service.deadLetters(stream);
    expect(letter).toMatchObject({ sourceId: badId, group: 'A', reason: 'invalid', error: 'qty: Invalid input: expected number, received string', deliveryCount: 1, key: 'b', value: { id: 'b', qty: 'many' } });
    await eventually('nothing pending', async () => (await ctx().pendingCount(stream.name, 'A')) === 0);
  });

  it('schema consume - valibot transforms are applied to what is delivered; a refused value is dead-lettered with its path', async () => {
    const Shout = v.object({ text: v.pipe(v.string(), v.transform((text) => text.toUpperCase())) });
    const stream = eventStream(uniqueName('shouts'), { schema: Shout });
    const service = ctx().createService({ group: 'A' });
    await service.produce(unchecked(stream.name), { text: 'hello' }, { text: ['x'] }, { text: 'bye' });
    const got = await collect(service.consume(stream, { from: 'start' }).pipe(map((d) => (void d.ack(), d.value.text))), 2);
    expect(got).toEqual(['HELLO', 'BYE']);
    await eventually('the dead letter', async () => (await service.deadLetters(stream)).length === 1);
    const [letter] = await service.deadLetters(stream);
    expect([letter?.reason, letter?.error, letter?.value]).toEqual(['invalid', 'text: Invalid type: Expected string but received Array', { text: ['x'] }]);
  });

  it('schema async - a validator answering with a Promise: deliveries in produce order, never more than maxInFlight held, the invalid dead-lettered', async () => {
    const running = { now: 0, most: 0, calls: 0 };
    const stream = eventStream(uniqueName('slow'), { schema: slowSchema((n) => (n % 3 === 0 ? 40 : 5), running) });
    const service = ctx().createService({ group: 'A' });
    const values = [0, 1, 2, 3, -4, 5, 6, 7, 8, 9];
    await service.produce(unchecked(stream.name), ...values.map((n) => ({ n })));
    const seen: Delivery<{ n: number }>[] = [];
    let mostHeld = 0;
    let unacked = 0;
    const subscription = service.consume(stream, { from: 'start', maxInFlight: 3 }).subscribe((delivery) => {
      seen.push(delivery);
      mostHeld = Math.max(mostHeld, running.now + ++unacked);
      setTimeout(() => (unacked--, void delivery.ack()), 15);
    });
    await eventually('nine deliveries', () => seen.length === 9);
    expect(seen.map((d) => d.value.n)).toEqual([0, 2, 4, 6, 10, 12, 14, 16, 18]);
    expect(running.most).toBeLessThanOrEqual(3);
    expect(mostHeld).toBeLessThanOrEqual(3);
    await eventually('the dead letter', async () => (await service.deadLetters(stream)).length === 1);
    const [letter] = await service.deadLetters(stream);
    expect([letter?.reason, letter?.error, letter?.value]).toEqual(['invalid', 'n: must not be negative', { n: -4 }]);
    await eventually('nothing pending', async () => (await ctx().pendingCount(stream.name, 'A')) === 0);
    subscription.unsubscribe();
  });

  it('schema async - produce waits for every validation, refuses the call on one invalid value and otherwise writes the outputs', async () => {
    const running = { now: 0, most: 0, calls: 0 };
    const stream = eventStream(uniqueName('slow'), { schema: slowSchema((n) => 20 - n, running) });
    const service = ctx().createService({ group: 'A' });
    await expect(service.produce(stream, { n: 1 }, { n: -2 }, { n: 3 })).rejects.toMatchObject({ name: 'ValidationError', index: 1, issues: [{ message: 'must not be negative', path: ['n'] }] });
    expect(running.most).toBe(3); // every value validated at once
    expect(await ctx().streamLength(stream.name)).toBe(0);
    await service.produce(stream, { n: 1 }, { n: 2 });
    expect((await service.read(stream)).entries.map((entry) => entry.value)).toEqual([{ n: 2 }, { n: 4 }]);
  });

  it('schema consume - stopping while a validation is under way hands the entry back: another consumer gets it', async () => {
    const running = { now: 0, most: 0, calls: 0 };
    const stream = eventStream(uniqueName('slow'), { schema: slowSchema(() => 100, running) });
    const service = ctx().createService({ group: 'A', closeTimeoutMs: 1000 });
    await service.produce(unchecked(stream.name), { n: 1 });
    const seen: number[] = [];
    const subscription = service.consume(stream, { from: 'start' }).subscribe((d) => seen.push(d.value.n));
    await eventually('a validation', () => running.now === 1);
    subscription.unsubscribe();
    await eventually('the validation to end', () => running.now === 0);
    await sleep(20);
    expect(seen).toEqual([]);
    const again = await collect(ctx().createService({ group: 'A' }).consume(stream, { claimIdleAfterMs: 200 }).pipe(map((d) => (void d.ack(), d.value.n))), 1);
    expect(again).toEqual([2]);
  });

  it('schema broadcast - an invalid message is refused with a ValidationError and nothing is published; the output is published', async () => {
    const Ping = z.object({ text: z.string().trim(), seq: z.number().default(0) });
    const channel = broadcastStream(uniqueName('bc'), { schema: Ping });
    const service = ctx().createService({ group: 'A' });
    const received = collect(service.listen(broadcastStream<unknown>(channel.name)), 1);
    await service.listening(broadcastStream<unknown>(channel.name));
    const error = (await service.broadcast(channel, { text: 5 } as unknown as { text: string; seq: number }).catch((caught: unknown) => caught)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect([error.stream, error.index, error.phase, error.issues]).toEqual([channel.name, 0, 'broadcast', [{ message: 'Invalid input: expected string, received number', path: ['text'] }]]);
    expect(error.message).toBe(`invalid message for broadcast stream "${channel.name}": text: Invalid input: expected string, received number; nothing was published`);
    await service.broadcast(channel, { text: ' hi ' } as { text: string; seq: number });
    expect(await received).toEqual([{ text: 'hi', seq: 0 }]);
  });

  it('schema listen - a listener drops an invalid message and reports it (onError and service.error); the others arrive as the output', async () => {
    const Ping = v.object({ text: v.pipe(v.string(), v.transform((text) => text.toUpperCase())) });
    const channel = broadcastStream(uniqueName('bc'), { schema: Ping });
    const errors: unknown[] = [];
    const listener = ctx().createService({ group: 'L', onError: (error) => void errors.push(error) });
    const reported: unknown[] = [];
    listener.instrumentation$.subscribe((event) => event.type === 'service.error' && reported.push(event.error));
    const sender = ctx().createService({ group: 'S' });
    const received = collect(listener.listen(channel).pipe(map((message) => message.text)), 2);
    await listener.listening(channel);
    const raw = broadcastStream<unknown>(channel.name);
    await sender.broadcast(raw, { text: 'one' });
    await sender.broadcast(raw, { text: 2 });
    await sender.broadcast(raw, { text: 'three' });
    expect(await received).toEqual(['ONE', 'THREE']);
    expect(errors).toHaveLength(1);
    const error = errors[0] as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect([error.stream, error.index, error.phase, error.issues]).toEqual([channel.name, 0, 'listen', [{ message: 'Invalid type: Expected string but received 2', path: ['text'] }]]);
    expect(error.message).toBe(`invalid message received on broadcast stream "${channel.name}": text: Invalid type: Expected string but received 2; dropped`);
    expect(reported).toEqual([error]);
  });

  it('schema listen - an asynchronous schema keeps the arrival order; every local listener of the definition shares one validation', async () => {
    const running = { now: 0, most: 0, calls: 0 };
    const channel = broadcastStream(uniqueName('bc'), { schema: slowSchema((n) => 30 - 10 * n, running) });
    const errors: unknown[] = [];
    const service = ctx().createService({ group: 'A', onError: (error) => void errors.push(error) });
    const first = collect(service.listen(channel).pipe(map((m) => m.n)), 2);
    const second = collect(service.listen(channel).pipe(map((m) => m.n)), 2);
    await service.listening(channel);
    const raw = broadcastStream<unknown>(channel.name);
    for (const n of [0, -1, 2]) await service.broadcast(raw, { n });
    expect(await first).toEqual([0, 4]);
    expect(await second).toEqual([0, 4]);
    expect(running.calls).toBe(3);
    expect(errors.map((error) => (error as ValidationError).issues)).toEqual([[{ message: 'must not be negative', path: ['n'] }]]);
  });

  it('schema - an option that is not a Standard Schema is a TypeError naming the definition', () => {
    const bad = { schema: { parse: () => 1 } as unknown as StandardSchemaV1<unknown, number> };
    const expected = (owner: string) => new TypeError(`rx-redis-events: ${owner} option schema must be a Standard Schema v1 validator (an object with "~standard": { version: 1, validate }), such as a zod or valibot schema`);
    expect(() => eventStream('s', bad)).toThrow(expected('eventStream("s")'));
    expect(() => broadcastStream('b', bad)).toThrow(expected('broadcastStream("b")'));
  });
}
