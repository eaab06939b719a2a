import { parse } from 'superjson';
import { eventStream } from 'rx-redis-events';
import { eventStreamSseResponse } from 'rx-redis-events/http';
import { readSse } from './fetchSseKit';
import { httpBackends, JobProgress, progress, type Progress } from './sseTestKit';
import { sleep } from '../../support/eventually';

const request = (headers: Record<string, string> = {}) => new Request('http://localhost/jobs/events', { headers });

describe.each(httpBackends())('http - eventStreamSseResponse (%s)', (_name, backend) => {
  it('eventStreamSseResponse - each entry is an event whose id is its entry id; a request with Last-Event-ID resumes exactly after it', async () => {
    const service = backend().createService();
    const ids = await service.produce(JobProgress, ...[0, 25, 50].map((percent) => progress('j1', percent)));
    const first = readSse(eventStreamSseResponse(request(), service, JobProgress, { from: 'start', pollMs: 10, event: () => 'progress' }));
    const three = await first.readEvents(3);
    expect(three.map(({ id, event }) => ({ id, event }))).toEqual(ids.map((id) => ({ id, event: 'progress' })));
    expect(three.map((event) => parse<Progress>(event.data))).toEqual([0, 25, 50].map((percent) => progress('j1', percent)));
    await first.cancel();
    const later = await service.produce(JobProgress, progress('j1', 75), progress('j1', 100));
    const resumed = readSse(eventStreamSseResponse(request({ 'last-event-id': ids[1] as string }), service, JobProgress, { pollMs: 10 }));
    const rest = await resumed.readEvents(3);
    expect(rest.map((event) => event.id)).toEqual([ids[2], ...later]);
    expect(rest.map((event) => parse<Progress>(event.data).percent)).toEqual([50, 75, 100]);
    await resumed.cancel();
  });

  it("eventStreamSseResponse - the data follows the stream's codec: plain JSON for codec 'json', encode's text for a custom codec, unless encoding says otherwise", async () => {
    const service = backend().createService();
    const asJson = eventStream<{ sku: string; qty: number }>('lines.json', { codec: 'json' });
    const custom = eventStream<{ sku: string; qty: number }>('lines.custom', { codec: { encode: (line) => `${line.sku}|${line.qty}`, decode: (text) => ({ sku: text.split('|')[0] as string, qty: Number(text.split('|')[1]) }) } });
    await service.produce(asJson, { sku: 'a', qty: 1 });
    await service.produce(custom, { sku: 'b', qty: 2 });
    const read = async (response: Response) => {
      const body = readSse(response);
      const [event] = await body.readEvents(1);
      await body.cancel();
      return event?.data;
    };
    expect(await read(eventStreamSseResponse(request(), service, asJson, { from: 'start', pollMs: 10 }))).toBe('{"sku":"a","qty":1}');
    expect(await read(eventStreamSseResponse(request(), service, custom, { from: 'start', pollMs: 10 }))).toBe('b|2');
    expect(await read(eventStreamSseResponse(request(), service, custom, { from: 'start', pollMs: 10, encoding: 'superjson' }))).toBe('{"json":{"sku":"b","qty":2}}');
  });

  it('eventStreamSseResponse - the body cancelled stops reading the stream', async () => {
    const service = backend().createService();
    const reads = jest.spyOn(service, 'read');
    const body = readSse(eventStreamSseResponse(request(), service, JobProgress, { pollMs: 10 }));
    await service.produce(JobProgress, progress('j2', 1));
    await body.readEvents(1);
    await body.cancel();
    await sleep(50);
    const after = reads.mock.calls.length;
    await sleep(200);
    expect(reads.mock.calls.length).toBe(after);
  });

  it('eventStreamSseResponse - a slow reader holds at most pageSize events: the next page is read once the body has room', async () => {
    const service = backend().createService();
    await service.produce(JobProgress, ...Array.from({ length: 100 }, (_, n) => progress('j3', n)));
    const reads = jest.spyOn(service, 'read');
    const body = readSse(eventStreamSseResponse(request(), service, JobProgress, { from: 'start', pageSize: 10, pollMs: 10, heartbeatMs: 0 }));
    await sleep(200);
    expect(reads.mock.calls.length).toBe(2);
    const all = await body.readEvents(100);
    expect(all.map((event) => parse<Progress>(event.data).percent)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    await body.cancel();
  });

  it('eventStreamSseResponse - closing the service ends the body with event: end', async () => {
    const service = backend().createService();
    const body = readSse(eventStreamSseResponse(request(), service, JobProgress, { from: 'start', pollMs: 10 }));
    await sleep(50);
    await service.close();
    expect((await body.readToEnd()).map(({ event, data }) => ({ event, data: parse(data) }))).toEqual([{ event: 'end', data: { reason: 'error' } }]);
  });
});
