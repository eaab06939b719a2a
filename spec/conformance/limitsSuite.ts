import { firstValueFrom, from, map, toArray } from 'rxjs';
import { autoAck, broadcastStream, DecodeError, eventStream, MessageTooLargeError, produceTo } from '../../src';
import type { BackendContext } from './backend';
import { collect, uniqueName } from './helpers';
import { eventually } from '../support/eventually';

interface Text {
  s: string;
}

/** The superjson text of `{ s }` is `{"json":{"s":"…"}}`: 17 bytes around the string's own. */
const ENVELOPE_BYTES = 17;

/** `maxMessageBytes` on produce, produceTo, broadcast, consume and listen. */
export function limitsSuite(ctx: () => BackendContext): void {
  const stream = () => eventStream<Text>(uniqueName('texts'));

  it('limits - produce of an event over maxMessageBytes rejects with MessageTooLargeError naming the stream and the size, and writes no event of the call', async () => {
    const texts = stream();
    const service = ctx().createService({ group: 'A', maxMessageBytes: 100 });
    const produced = service.produce(texts, { s: 'small' }, { s: 'x'.repeat(200) }, { s: 'after' });
    await expect(produced).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(produced).rejects.toMatchObject({ name: 'MessageTooLargeError', stream: texts.name, bytes: 200 + ENVELOPE_BYTES, maxBytes: 100, retriable: false });
    await expect(produced).rejects.toThrow(`cannot produce to "${texts.name}": the encoded event is 217 bytes, more than maxMessageBytes (100); nothing was written`);
    expect(await ctx().streamLength(texts.name)).toBe(0);
  });

  it('limits - broadcast of a message over maxMessageBytes rejects with MessageTooLargeError that says broadcast, and publishes nothing', async () => {
    const big = broadcastStream<Text>(uniqueName('big.b'));
    const service = ctx().createService({ group: 'A', maxMessageBytes: 100 });
    const heard: Text[] = [];
    const subscription = service.listen(big).subscribe((message) => heard.push(message));
    await service.listening(big);
    const published = service.broadcast(big, { s: 'x'.repeat(200) });
    await expect(published).rejects.toMatchObject({ name: 'MessageTooLargeError', stream: big.name, bytes: 200 + ENVELOPE_BYTES, maxBytes: 100, operation: 'broadcast' });
    await expect(published).rejects.toThrow(`cannot broadcast to "${big.name}": the encoded message is 217 bytes, more than maxMessageBytes (100); nothing was published`);
    await service.broadcast(big, { s: 'small' });
    await eventually('the small message', () => heard.length === 1);
    expect(heard).toEqual([{ s: 'small' }]);
    subscription.unsubscribe();
  });

  it('limits - the limit counts UTF-8 bytes: an event of exactly maxMessageBytes is written, one character more is refused', async () => {
    const texts = stream();
    const maxMessageBytes = ENVELOPE_BYTES + 3 * 10; // ten euro signs, 3 bytes each
    const service = ctx().createService({ group: 'A', maxMessageBytes });
    await expect(service.produce(texts, { s: '€'.repeat(11) })).rejects.toMatchObject({ bytes: maxMessageBytes + 3, maxBytes: maxMessageBytes });
    await service.produce(texts, { s: '€'.repeat(10) });
    const values = await collect(service.consume(texts, { from: 'start' }).pipe(autoAck(), map((d) => d.value.s)), 1);
    expect(values).toEqual(['€'.repeat(10)]);
    expect(await ctx().streamLength(texts.name)).toBe(1);
  });

  it('limits - produceTo errors with MessageTooLargeError and writes no value of the batch that holds the oversized one', async () => {
    const texts = stream();
    const service = ctx().createService({ group: 'A', maxMessageBytes: 100 });
    const ids = firstValueFrom(from([{ s: 'a' }, { s: 'x'.repeat(100) }, { s: 'c' }]).pipe(produceTo(service, texts), toArray()));
    await expect(ids).rejects.toMatchObject({ name: 'MessageTooLargeError', stream: texts.name, bytes: 100 + ENVELOPE_BYTES, maxBytes: 100 });
    expect(await ctx().streamLength(texts.name)).toBe(0);
  });

  it('limits - a consumer dead-letters entries whose value field is over its limit as too-large, without decoding them, and goes on', async () => {
    const texts = stream();
    const producer = ctx().createService({ group: 'P' }); // the default limit, 1 MiB
    const consumer = ctx().createService({ group: 'A', maxMessageBytes: 100 });
    const notJson = 'x'.repeat(150); // decoding it would give reason decode
    const rawId = await ctx().appendRaw(texts.name, { v: notJson, k: 'raw' });
    const [bigId] = await producer.produce(texts, { s: 'é'.repeat(50) }); // 50 characters, 117 bytes
    await producer.produce(texts, { s: 'fits' });
    const values = await collect(consumer.consume(texts, { from: 'start' }).pipe(autoAck(), map((d) => d.value.s)), 1);
    expect(values).toEqual(['fits']);
    await eventually('two dead letters', async () => (await consumer.deadLetters(texts)).length === 2);
    const letters = await consumer.deadLetters(texts);
    expect(letters.map((l) => ({ sourceId: l.sourceId, group: l.group, reason: l.reason, error: l.error, value: l.value, deliveryCount: l.deliveryCount }))).toEqual([
      { sourceId: rawId, group: 'A', reason: 'too-large', error: 'value field is 150 bytes, more than maxMessageBytes (100); not decoded', value: undefined, deliveryCount: 1 },
      { sourceId: bigId, group: 'A', reason: 'too-large', error: 'value field is 117 bytes, more than maxMessageBytes (100); not decoded', value: undefined, deliveryCount: 1 },
    ]);
    expect(letters[0]?.fields).toEqual({ v: notJson, k: 'raw' });
    await eventually('nothing pending', async () => (await ctx().pendingCount(texts.name, 'A')) === 0);
  });

  it('limits - broadcast over the limit rejects and publishes nothing; a listener drops and reports a message over its own limit', async () => {
    const channel = broadcastStream<Text>(uniqueName('bc'));
    const errors: unknown[] = [];
    const sender = ctx().createService({ group: 'S', maxMessageBytes: 1000 });
    const listener = ctx().createService({ group: 'L', maxMessageBytes: 50, onError: (error) => void errors.push(error) });
    const received = collect(listener.listen(channel).pipe(map((m) => m.s)), 1);
    await listener.listening(channel);
    await expect(sender.broadcast(channel, { s: 'x'.repeat(2000) })).rejects.toMatchObject({ name: 'MessageTooLargeError', stream: channel.name, bytes: 2017, maxBytes: 1000 });
    await sender.broadcast(channel, { s: 'y'.repeat(100) }); // fits the sender's limit, not the listener's
    await sender.broadcast(channel, { s: 'small' });
    expect(await received).toEqual(['small']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DecodeError);
    expect((errors[0] as Error).message).toBe(`cannot decode entry (broadcast) of stream "${channel.name}": the message is 117 bytes, more than maxMessageBytes (50); dropped undecoded`);
  });
}
