import { firstValueFrom, take, toArray } from 'rxjs';
import type { AddressInfo } from 'node:net';
import { createEventService, eventStream, type EventService } from '../../src';
import { createDashboard, type Dashboard } from '../../src/dashboard/dashboardServer';
import { parse } from 'superjson';
import { uniqueName } from '../conformance/helpers';
import { eventually } from '../support/eventually';
import { openSse } from '../http/sseTestKit';
import { useRedisServer } from '../support/useRedisServer';

/** The dashboard's server in this process (no browser): what it answers, read with fetch. */
describe('dashboard server', () => {
  const redis = useRedisServer();
  let service: EventService;
  let dashboard: Dashboard;
  const errors: unknown[] = [];

  async function start(prefix: string): Promise<string> {
    service = createEventService({ group: 'dashboard', redis: redis.server.url, prefix, closeTimeoutMs: 10 });
    dashboard = createDashboard({ service, redis: redis.admin, prefix, url: 'redis://127.0.0.1:6379', allowRedrive: false, host: '127.0.0.1', pageHtml: '<script>const config = __CONFIG__;</script>', appScript: '', onError: (error) => errors.push(error) });
    await new Promise<void>((resolve) => dashboard.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(dashboard.server.address() as AddressInfo).port}/`;
  }
  afterEach(async () => {
    await dashboard?.close();
    await service?.close();
    errors.splice(0);
  });

  it("dashboard server - the page holds the prefix as it is, even with $& or $' in it (no replacement patterns)", async () => {
    const prefix = `${uniqueName('we')}$&pay$'s:`;
    const url = await start(prefix);
    const page = await (await fetch(url)).text();
    expect(page).toBe(`<script>const config = {"prefix":${JSON.stringify(prefix)},"url":"redis://127.0.0.1:6379","allowRedrive":false,"pollMs":1000};</script>`);
  });

  it('dashboard server - the tail of a partitioned stream is refused with one clear message (409), not a server error', async () => {
    const prefix = `${uniqueName('dashboard')}:`;
    const url = await start(prefix);
    await service.produce(eventStream<number>('payments', { partitions: 4, key: String }), 1, 2, 3);
    const tail = await fetch(new URL('api/streams/payments/tail', url));
    expect({ status: tail.status, body: await tail.json() }).toEqual({ status: 409, body: { error: 'the tail follows unpartitioned streams; payments has 4 partitions' } });
    const deadLetters = await fetch(new URL('api/streams/payments/dead-letters', url));
    expect(deadLetters.status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('dashboard server - the tail and the dead letters show values of any codec: superjson, plain JSON, else the raw text', async () => {
    const prefix = `${uniqueName('dashboard')}:`;
    const url = await start(prefix);
    const at = new Date(Date.UTC(2024, 0, 1));
    const [first] = await service.produce(eventStream<{ at: Date }>('mixed'), { at });
    await redis.admin.xadd(`${prefix}mixed`, '*', 'v', '{"sku":"a","qty":1}');
    await redis.admin.xadd(`${prefix}mixed`, '*', 'v', 'b|2');
    const tail = await openSse(new URL('api/streams/mixed/tail', url).href);
    const events = await tail.waitForEvents(3);
    tail.close();
    expect(events.map((event) => parse(event.data))).toEqual([{ at }, { sku: 'a', qty: 1 }, 'b|2']);
    expect(events[0]?.id).toBe(first);
    const custom = eventStream<string>('mixed', { codec: { encode: (text) => text, decode: (text) => text } });
    const [delivery, , third] = await firstValueFrom(service.consume(custom, { from: 'start' }).pipe(take(3), toArray()));
    await delivery?.ack();
    await third?.deadLetter('refused');
    await eventually('the dead letter', async () => (await service.deadLetters(custom)).length === 1);
    const letters = parse<{ letters: { reason: string; value: unknown }[] }>(await (await fetch(new URL('api/streams/mixed/dead-letters', url))).text()).letters;
    expect(letters.map(({ reason, value }) => ({ reason, value }))).toEqual([{ reason: 'rejected', value: 'b|2' }]);
    expect(errors).toEqual([]);
  });
});
