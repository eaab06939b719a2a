import type { Server } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Subject } from 'rxjs';
import { parse } from 'superjson';
import { serveObservableSse, type SseConnection } from 'rx-redis-events/http';
import { openSse, startHttpServer, stopServer } from './sseTestKit';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const EVENTS = 50_000;
const MAX_BUFFERED = 1000;
/** About 1 KiB per event: 50,000 of them held for one client would take over 50 MB. */
const PADDING = 'x'.repeat(1000);

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

describe('http - slow clients', () => {
  let server: Server | undefined;
  let connection: SseConnection | undefined;
  const source = new Subject<{ n: number; padding: string }>();
  afterEach(async () => {
    if (server) await stopServer(server);
    server = undefined;
  });

  const start = async (onSlowClient: 'drop-oldest' | 'close') => {
    const started = await startHttpServer((_request, response) => {
      connection = serveObservableSse(response, source, { maxBufferedEvents: MAX_BUFFERED, onSlowClient, id: ({ n }) => String(n) });
    });
    server = started.server;
    return openSse(started.url);
  };

  /** Emits the events in batches (letting the event loop run between them), the client not reading. */
  const flood = async () => {
    for (let n = 0; n < EVENTS; ) {
      for (const end = n + 1000; n < end; n++) source.next({ n, padding: PADDING });
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  it('http - drop-oldest: the buffer never exceeds maxBufferedEvents, the heap stays flat, the client sees how many were dropped', async () => {
    const client = await start('drop-oldest');
    client.pause();
    const before = heapUsed();
    await flood();
    const growth = heapUsed() - before;
    const open = connection as SseConnection;
    expect(open.maxBuffered).toBe(MAX_BUFFERED);
    expect(open.buffered).toBe(MAX_BUFFERED);
    expect(growth).toBeLessThan(20 * 1024 * 1024);
    const dropped = open.dropped;
    expect(dropped).toBeGreaterThan(EVENTS / 2);
    client.resume();
    const received = await client.waitForEvents(EVENTS - dropped + 1, 20_000);
    const notice = received.findIndex((event) => event.event === 'dropped');
    expect(parse(received[notice]?.data ?? '')).toEqual({ dropped });
    const ids = received.filter((event) => event.event === undefined).map((event) => Number(event.id));
    // everything the socket took before it backed up, then (after the notice) the newest MAX_BUFFERED
    expect(ids).toEqual([...Array.from({ length: notice }, (_, n) => n), ...Array.from({ length: MAX_BUFFERED }, (_, n) => EVENTS - MAX_BUFFERED + n)]);
    expect(notice + dropped + MAX_BUFFERED).toBe(EVENTS);
    expect(open.sent).toBe(EVENTS - dropped);
    expect(open.buffered).toBe(0);
    source.next({ n: EVENTS, padding: '' }); // caught up: events flow again, no further notice
    expect((await client.waitForEvents(EVENTS - dropped + 2)).slice(-1).map((event) => event.id)).toEqual([String(EVENTS)]);
    client.close();
    expect(await open.closed).toBe('client-closed');
    expect(source.observed).toBe(false);
  }, 60_000);

  it('http - close: a client whose buffer fills is disconnected and its subscription ends, the heap stays flat', async () => {
    const client = await start('close');
    client.pause();
    const before = heapUsed();
    await flood();
    const growth = heapUsed() - before;
    const open = connection as SseConnection;
    expect(await open.closed).toBe('slow-client');
    expect(source.observed).toBe(false);
    expect(open.maxBuffered).toBe(MAX_BUFFERED);
    expect(open.buffered).toBe(0);
    expect(open.dropped).toBe(0);
    expect(growth).toBeLessThan(20 * 1024 * 1024);
    client.resume();
    expect(await client.ended).toBe('aborted');
    // what the kernel had taken arrives, in order; what still sat in Node's write buffer (≤ 16 KiB) went with the socket
    const received = client.events.length;
    expect(received).toBeLessThanOrEqual(open.sent);
    expect(received).toBeGreaterThan(open.sent - 20);
    expect(client.events.map((event) => Number(event.id))).toEqual(Array.from({ length: received }, (_, n) => n));
  }, 60_000);
});
