import { readOf } from '../../support/readOf';
import { firstValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TransportError } from '../../../src/errors/TransportError';
import { MemoryBroker } from '../../../src/transport/memory/MemoryBroker';
import { MemoryReadLink } from '../../../src/transport/memory/MemoryReadLink';
import { MemoryStreamTransport } from '../../../src/transport/memory/MemoryStreamTransport';
import type { StreamEntries } from '../../../src/transport/reading/ReadLink';
import type { ReadEntry } from '../../../src/transport/StreamTransport';

describe('MemoryReadLink', () => {
  const setUp = () => {
    const scheduler = new TestScheduler(() => undefined);
    const broker = new MemoryBroker({ scheduler });
    for (const key of ['a', 'b', 'c']) broker.stream(key).ensureGroup('g', 'start');
    const link = new MemoryReadLink(broker, 'g', 'c1');
    const answers: (StreamEntries[] | Error)[] = [];
    const read = (keys: string[], count = 10) => link.read(keys, count, 1000, (streams) => answers.push(streams), (error) => answers.push(error as Error));
    return { broker, link, answers, read };
  };

  it('MemoryReadLink - a read over several keys answers at once with the new entries of every key that has some, at most count each', () => {
    const { broker, answers, read } = setUp();
    for (const v of ['1', '2', '3']) broker.stream('a').append({ v }, 5);
    broker.stream('c').append({ v: '4' }, 6);
    read(['a', 'b', 'c'], 2);
    expect(answers).toEqual([
      [
        { key: 'a', entries: [{ id: '5-0', fields: { v: '1' }, deliveryCount: 1 }, { id: '5-1', fields: { v: '2' }, deliveryCount: 1 }] },
        { key: 'c', entries: [{ id: '6-0', fields: { v: '4' }, deliveryCount: 1 }] },
      ],
    ]);
    expect(broker.stream('a').pendingIds('g')).toEqual(['5-0', '5-1']);
    expect(broker.stream('c').pendingIds('g')).toEqual(['6-0']);
  });

  it('MemoryReadLink - a read with nothing new waits, without a timer, until an append to one of its keys, and answers that key in the same frame', () => {
    const { broker, link, answers, read } = setUp();
    read(['a', 'b']);
    expect(answers).toEqual([]);
    broker.stream('b').append({ v: 'x' }, 7);
    broker.stream('b').serveWaiters(7);
    expect(answers).toEqual([[{ key: 'b', entries: [{ id: '7-0', fields: { v: 'x' }, deliveryCount: 1 }] }]]);
    // answered: an append to the other key finds no read waiting, and there is nothing to unblock
    broker.stream('a').append({ v: 'y' }, 8);
    broker.stream('a').serveWaiters(8);
    expect(answers).toHaveLength(1);
    expect(link.unblock()).toBe(false);
  });

  it('MemoryReadLink - unblock ends the read that waits at once, answering nothing; close does too', () => {
    const { link, answers, read } = setUp();
    expect(link.unblock()).toBe(false);
    read(['a']);
    expect(link.unblock()).toBe(true);
    expect(answers).toEqual([[]]);
    read(['b']);
    link.close();
    expect(answers).toEqual([[], []]);
  });

  it('MemoryReadLink - a read naming a key without the group fails (NOGROUP) and reads none of its keys', () => {
    const { broker, link, answers, read } = setUp();
    broker.stream('a').append({ v: '1' }, 5);
    read(['a', 'nogroup']);
    expect(answers).toHaveLength(1);
    const failure = link.failure(answers[0]);
    expect(failure).toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ code: 'NOGROUP', operation: 'read' });
    expect(broker.stream('a').pendingIds('g')).toEqual([]);
  });

  it('MemoryReadLink - through the memory transport, one consumer waits on one read over its keys; an append answers only its own key’s reader', async () => {
    const broker = new MemoryBroker();
    const transport = new MemoryStreamTransport(broker);
    for (const key of ['a', 'b']) await firstValueFrom(transport.ensureGroup(key, 'g', 'new'), { defaultValue: undefined });
    const [a, b] = ['a', 'b'].map((key) => transport.openReader(key, 'g', 'c1'));
    const got: Record<string, ReadEntry[][]> = { a: [], b: [] };
    const reads = jest.spyOn(MemoryReadLink.prototype, 'read');
    readOf(a!, 10, 1000).subscribe((entries) => got.a?.push(entries));
    readOf(b!, 10, 1000).subscribe((entries) => got.b?.push(entries));
    // the read of a alone was ended by b's request, and one read covers both (as one XREADGROUP on Redis)
    expect(reads.mock.calls.map(([keys]) => keys)).toEqual([['a'], ['a', 'b']]);
    reads.mockRestore();
    const [id] = await firstValueFrom(transport.append('b', [{ v: 'x' }], { producer: { memoryKey: 'm', nextSequence: () => 1 } }));
    expect(got).toEqual({ a: [], b: [[{ id, fields: { v: 'x' }, deliveryCount: 1 }]] });
    a?.interrupt();
    expect(got.a).toEqual([[]]);
    await Promise.all([a?.close(), b?.close(), transport.close()]);
  });
});
