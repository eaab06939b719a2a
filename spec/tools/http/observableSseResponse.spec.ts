import { finalize, Subject } from 'rxjs';
import { parse } from 'superjson';
import { broadcastStream } from 'rx-redis-events';
import { observableSseResponse } from 'rx-redis-events/http';
import { readSse } from './fetchSseKit';
import { eventuallyEqual } from '../../support/eventually';
import { httpBackends } from './sseTestKit';

interface Price {
  symbol: string;
  price: number;
  at: Date;
}

const Prices = broadcastStream<Price>('prices');

describe.each(httpBackends())('http - observableSseResponse (%s)', (_name, backend) => {
  it('observableSseResponse - a Response with the SSE headers whose body streams each value with id, event and superjson data, then event: end', async () => {
    const service = backend().createService();
    const response = observableSseResponse(service.listen(Prices), { id: (price) => `${price.symbol}-${price.price}`, event: () => 'price', retryMs: 1500 });
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toEqual({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    const body = readSse(response);
    await service.listening(Prices);
    const sent = [1, 2, 3].map((n) => ({ symbol: 'ACME', price: 100 + n, at: new Date(Date.UTC(2024, 0, n)) }));
    for (const price of sent) await service.broadcast(Prices, price);
    const events = await body.readEvents(3);
    expect(events.map(({ id, event }) => ({ id, event }))).toEqual([
      { id: 'ACME-101', event: 'price' },
      { id: 'ACME-102', event: 'price' },
      { id: 'ACME-103', event: 'price' },
    ]);
    expect(events.map((event) => parse<Price>(event.data))).toEqual(sent);
    await service.close();
    const all = await body.readToEnd();
    expect(all.slice(3).map(({ event, data }) => ({ event, data: parse(data) }))).toEqual([{ event: 'end', data: { reason: 'complete' } }]);
  });

  it('observableSseResponse - the body cancelled ends the subscription: the broker subscription goes away', async () => {
    const service = backend().createService();
    const body = readSse(observableSseResponse(service.listen(Prices)));
    await service.listening(Prices);
    await service.broadcast(Prices, { symbol: 'A', price: 1, at: new Date(0) });
    await body.readEvents(1);
    await body.cancel();
    await eventuallyEqual('no listener in health()', async () => (await service.health()).listeners.length, 0);
  });
});

describe('http - observableSseResponse', () => {
  it('observableSseResponse - heartbeats as comments on the scheduler while nothing is sent', async () => {
    const source = new Subject<number>();
    const body = readSse(observableSseResponse(source, { heartbeatMs: 20 }));
    source.next(1);
    await body.readEvents(1);
    expect(await body.readComments(2)).toEqual(['heartbeat', 'heartbeat']);
    source.complete();
    expect((await body.readToEnd()).map((event) => event.event)).toEqual([undefined, 'end']);
  });

  it('observableSseResponse - a client that does not read holds at most 16 frames in the body and maxBufferedEvents in the queue; the oldest are dropped and announced', async () => {
    const source = new Subject<number>();
    let unsubscribed = false;
    const body = readSse(observableSseResponse(source.pipe(finalize(() => (unsubscribed = true))), { encoding: 'json', maxBufferedEvents: 10, heartbeatMs: 0 }));
    for (let n = 1; n <= 500; n++) source.next(n);
    source.complete();
    const events = await body.readToEnd();
    expect(events.map(({ event, data }) => `${event ?? ''}${data}`)).toEqual([
      ...Array.from({ length: 16 }, (_, n) => String(n + 1)),
      'dropped{"dropped":474}',
      ...Array.from({ length: 10 }, (_, n) => String(n + 491)),
      'end{"reason":"complete"}',
    ]);
    expect(unsubscribed).toBe(true);
  });

  it("observableSseResponse - onSlowClient 'close' errors the body once the queue is full, and unsubscribes", async () => {
    const source = new Subject<number>();
    let unsubscribed = false;
    const body = readSse(observableSseResponse(source.pipe(finalize(() => (unsubscribed = true))), { encoding: 'json', maxBufferedEvents: 2, onSlowClient: 'close', heartbeatMs: 0 }));
    for (let n = 1; n <= 19; n++) source.next(n);
    expect(unsubscribed).toBe(true);
    // an errored body discards what it held: the reader sees the error at once
    await expect(body.readToEnd()).rejects.toThrow('SSE client too slow');
    expect(body.events).toEqual([]);
  });

  it('observableSseResponse - bad config is refused before any Response is made', () => {
    expect(() => observableSseResponse(new Subject<number>(), { heartbeatMs: -1 })).toThrow(new RangeError('rx-redis-events: heartbeatMs must be an integer ≥ 0, got -1'));
  });
});
