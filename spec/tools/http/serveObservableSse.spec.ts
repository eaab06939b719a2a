import type { Server } from 'node:http';
import { Subject, type Observable } from 'rxjs';
import { parse } from 'superjson';
import { broadcastStream } from 'rx-redis-events';
import { serveObservableSse, type SseConfig, type SseConnection } from 'rx-redis-events/http';
import { eventuallyEqual } from '../../support/eventually';
import { httpBackends, openSse, startHttpServer, stopServer } from './sseTestKit';

interface Price {
  symbol: string;
  price: number;
  at: Date;
}

const Prices = broadcastStream<Price>('prices');

describe.each(httpBackends())('http - serveObservableSse of a broadcast stream (%s)', (_name, backend) => {
  let server: Server | undefined;
  const connections: SseConnection[] = [];
  afterEach(async () => {
    if (server) await stopServer(server);
    server = undefined;
    connections.length = 0;
  });

  /** Serves `source()` on every request. */
  const serve = async <T>(source: () => Observable<T>, config: SseConfig<T> = {}) => {
    const started = await startHttpServer((_request, response) => void connections.push(serveObservableSse(response, source(), config)));
    server = started.server;
    return started.url;
  };

  it('http - broadcasts arrive in order with id, event and superjson data that decodes back, Dates included', async () => {
    const service = backend().createService();
    const url = await serve(() => service.listen(Prices), { id: (price) => `${price.symbol}-${price.at.getTime()}`, event: () => 'price' });
    const client = await openSse(url);
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.response.headers['cache-control']).toBe('no-cache');
    expect(client.response.headers['connection']).toBe('keep-alive');
    expect(client.response.headers['x-accel-buffering']).toBe('no');
    await service.listening(Prices);
    const sent = [1, 2, 3].map((n) => ({ symbol: 'ACME', price: 100 + n, at: new Date(Date.UTC(2024, 0, n)) }));
    for (const price of sent) await service.broadcast(Prices, price);
    const events = await client.waitForEvents(3);
    expect(events.map(({ id, event }) => ({ id, event }))).toEqual([
      { id: 'ACME-1704067200000', event: 'price' },
      { id: 'ACME-1704153600000', event: 'price' },
      { id: 'ACME-1704240000000', event: 'price' },
    ]);
    const decoded = events.map((event) => parse<Price>(event.data));
    expect(decoded).toEqual(sent);
    expect(decoded.every((price) => price.at instanceof Date)).toBe(true);
    client.close();
  });

  it('http - a client that disconnects unsubscribes: the broker subscription count drops to 0', async () => {
    const service = backend().createService();
    const url = await serve(() => service.listen(Prices));
    const first = await openSse(url);
    const second = await openSse(url);
    await service.listening(Prices);
    expect(await backend().subscriptionCount('prices')).toBe(1); // one per service instance, however many clients
    first.close();
    expect(await connections[0]?.closed).toBe('client-closed');
    expect(await backend().subscriptionCount('prices')).toBe(1);
    second.close();
    expect(await connections[1]?.closed).toBe('client-closed');
    await eventuallyEqual('no subscription to prices', () => backend().subscriptionCount('prices'), 0);
  });

  it('http - plain JSON encoding and multi-line data from an encoding function', async () => {
    const source = new Subject<{ text: string }>();
    const url = await serve(() => source, { encoding: 'json' });
    const client = await openSse(url);
    source.next({ text: 'line 1\nline 2' });
    expect((await client.waitForEvents(1)).map((event) => JSON.parse(event.data) as unknown)).toEqual([{ text: 'line 1\nline 2' }]);
    await stopServer(server as Server);
    const pretty = new Subject<{ a: number; b: string[] }>();
    const prettyUrl = await serve(() => pretty, { encoding: (value) => JSON.stringify(value, null, 2) });
    const prettyClient = await openSse(prettyUrl);
    pretty.next({ a: 1, b: ['x'] });
    const [event] = await prettyClient.waitForEvents(1);
    expect(event?.data).toBe('{\n  "a": 1,\n  "b": [\n    "x"\n  ]\n}');
    expect(JSON.parse(event?.data ?? '') as unknown).toEqual({ a: 1, b: ['x'] });
  });

  it('http - heartbeat comment lines every heartbeatMs', async () => {
    const url = await serve(() => new Subject<never>(), { heartbeatMs: 30 });
    const client = await openSse(url);
    expect(await client.waitForComments(3)).toEqual([': heartbeat', ': heartbeat', ': heartbeat']);
    expect(client.events).toEqual([]);
  });

  it('http - completion and errors end the response with event: end; the error goes to onError only', async () => {
    const errors: unknown[] = [];
    const source = new Subject<number>();
    const url = await serve(() => source, { onError: (error) => errors.push(error) });
    const client = await openSse(url);
    source.next(1);
    await client.waitForEvents(1);
    source.error(new Error('secret detail'));
    expect(await client.ended).toBe('end');
    expect(client.events.map((event) => ({ event: event.event, value: parse(event.data) }))).toEqual([
      { event: undefined, value: 1 },
      { event: 'end', value: { reason: 'error' } },
    ]);
    expect(errors).toEqual([new Error('secret detail')]);
    expect(await connections[0]?.closed).toBe('error');
  });
});
