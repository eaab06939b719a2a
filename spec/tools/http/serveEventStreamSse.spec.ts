import type { Server } from 'node:http';
import { firstValueFrom, take, toArray } from 'rxjs';
import { parse } from 'superjson';
import { serveEventStreamSse, type EventStreamSseConfig, type SseConnection } from 'rx-redis-events/http';
import { httpBackends, JobProgress, openSse, progress, startHttpServer, stopServer, type Progress } from './sseTestKit';
import { sleep } from '../../support/eventually';


describe.each(httpBackends())('http - serveEventStreamSse (%s)', (_name, backend) => {
  let server: Server | undefined;
  const connections: SseConnection[] = [];
  afterEach(async () => {
    if (server) await stopServer(server);
    server = undefined;
    connections.length = 0;
  });

  const serve = async (config: EventStreamSseConfig<Progress> = {}) => {
    const service = backend().createService();
    const started = await startHttpServer((request, response) => void connections.push(serveEventStreamSse(request, response, service, JobProgress, { pollMs: 10, ...config })));
    server = started.server;
    return { service, url: started.url };
  };

  it('service - read pages through the stream after an id without a group; lastId names the newest entry', async () => {
    const service = backend().createService();
    expect(await service.lastId(JobProgress)).toBeUndefined();
    expect(await service.read(JobProgress)).toEqual({ entries: [], next: '0-0' });
    const ids = await service.produce(JobProgress, ...[10, 20, 30, 40, 50].map((percent) => progress('j1', percent)));
    expect(await service.lastId(JobProgress)).toBe(ids[4]);
    const first = await service.read(JobProgress, { count: 2 });
    expect(first).toEqual({
      entries: [
        { id: ids[0], value: progress('j1', 10), key: 'j1', producedAt: new Date(Number(ids[0]?.split('-')[0])) },
        { id: ids[1], value: progress('j1', 20), key: 'j1', producedAt: new Date(Number(ids[1]?.split('-')[0])) },
      ],
      next: ids[1],
    });
    const rest = await service.read(JobProgress, { after: first.next, count: 10 });
    expect(rest.entries.map((entry) => entry.value.percent)).toEqual([30, 40, 50]);
    expect(rest.next).toBe(ids[4]);
    expect(await service.read(JobProgress, { after: rest.next })).toEqual({ entries: [], next: ids[4] });
    // reading delivered nothing to anyone: a group created afterwards gets every entry as a first delivery
    const deliveries = await firstValueFrom(service.consume(JobProgress, { from: 'start' }).pipe(take(5), toArray()));
    expect(deliveries.map((delivery) => [delivery.id, delivery.deliveryCount])).toEqual(ids.map((id) => [id, 1]));
    await Promise.all(deliveries.map((delivery) => delivery.ack()));
    await expect(service.read(JobProgress, { after: 'nope' })).rejects.toThrow(TypeError);
    await expect(service.read(JobProgress, { count: 0 })).rejects.toThrow(RangeError);
  });

  it('http - entries arrive in order with their entry id as id: and their value as data, Dates included; new ones follow live', async () => {
    const { service, url } = await serve({ from: 'start', event: (entry) => `progress.${entry.key ?? ''}` });
    const before = await service.produce(JobProgress, progress('j1', 10), progress('j1', 20));
    const client = await openSse(url);
    await client.waitForEvents(2);
    const after = await service.produce(JobProgress, progress('j1', 30));
    const events = await client.waitForEvents(3);
    expect(events.map(({ id, event }) => ({ id, event }))).toEqual([...before, ...after].map((id) => ({ id, event: 'progress.j1' })));
    const values = events.map((event) => parse<Progress>(event.data));
    expect(values).toEqual([progress('j1', 10), progress('j1', 20), progress('j1', 30)]);
    expect(values.every((value) => value.at instanceof Date)).toBe(true);
    client.close();
    expect(await connections[0]?.closed).toBe('client-closed');
  });

  it('http - from new (the default) skips what was there; filter sends one key only', async () => {
    const { service, url } = await serve({ filter: (entry) => entry.key === 'j2' });
    await service.produce(JobProgress, progress('j2', 1));
    const client = await openSse(url);
    await sleep(50); // the reader has found the last id by now
    const ids = await service.produce(JobProgress, progress('j1', 2), progress('j2', 3), progress('j1', 4), progress('j2', 5));
    const events = await client.waitForEvents(2);
    expect(events.map((event) => [event.id, parse<Progress>(event.data).percent])).toEqual([
      [ids[1], 3],
      [ids[3], 5],
    ]);
    client.close();
  });

  it('http - Last-Event-ID resumes exactly after the given id, and a disconnect loses nothing', async () => {
    const { service, url } = await serve({ from: 'start', pageSize: 3 });
    const ids = await service.produce(JobProgress, ...Array.from({ length: 10 }, (_, n) => progress('j1', n)));
    const first = await openSse(url);
    const seen = await first.waitForEvents(4);
    first.close();
    expect(await connections[0]?.closed).toBe('client-closed');
    const more = await service.produce(JobProgress, progress('j1', 10));
    const resumed = await openSse(url, { 'last-event-id': seen[3]?.id ?? '' });
    const events = await resumed.waitForEvents(7);
    expect(events.map((event) => event.id)).toEqual([...ids.slice(4), ...more]);
    expect(events.map((event) => parse<Progress>(event.data).percent)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    await sleep(50);
    expect(resumed.events).toHaveLength(7); // nothing twice
    resumed.close();
  });

  it('http - a slow client: the next page is read only once the socket took the last one, so nothing is dropped and at most pageSize wait', async () => {
    const { service, url } = await serve({ from: 'start', pageSize: 50 });
    const padding = 'x'.repeat(1000);
    for (let n = 0; n < 5000; n += 500) await service.produce(JobProgress, ...Array.from({ length: 500 }, (_, k) => ({ ...progress('j1', n + k), jobId: `j1${padding}` })));
    const client = await openSse(url);
    client.pause();
    await sleep(200);
    const open = connections[0] as SseConnection;
    expect(open.maxBuffered).toBeLessThanOrEqual(50);
    expect(open.sent).toBeLessThan(5000);
    client.resume();
    const events = await client.waitForEvents(5000, 20_000);
    expect(events.map((event) => parse<Progress>(event.data).percent)).toEqual(Array.from({ length: 5000 }, (_, n) => n));
    expect(open.dropped).toBe(0);
    expect(open.maxBuffered).toBeLessThanOrEqual(50);
    client.close();
  }, 30_000);

  it('http - closing the service ends the response with event: end', async () => {
    const errors: unknown[] = [];
    const { service, url } = await serve({ onError: (error) => errors.push(error) });
    const client = await openSse(url);
    await sleep(30);
    await service.close();
    expect(await client.ended).toBe('end');
    expect(client.events.map((event) => [event.event, parse(event.data)])).toEqual([['end', { reason: 'error' }]]);
    expect(await connections[0]?.closed).toBe('error');
    expect(errors.map((error) => (error as Error).name)).toEqual(['ServiceClosedError']);
  });
});
