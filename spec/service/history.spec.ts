import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { createEventService, eventStream, MemoryBroker, type EventService } from '../../src';
import { partitionKeys } from '../../src/partitions/streamLayout';
import { historyBounds, readHistory } from '../../src/service/history';
import { MemoryStreamTransport } from '../../src/transport/memory/MemoryStreamTransport';
import { connectRedis } from '../../src/transport/redis/connect';
import { RedisStreamTransport } from '../../src/transport/redis/RedisStreamTransport';
import type { StreamAdmin, StreamTransport } from '../../src/transport/StreamTransport';
import { uniqueName } from '../conformance/helpers';
import { sleep } from '../support/eventually';
import { useRedisServer } from '../support/useRedisServer';

interface Move {
  readonly player: string;
  readonly n: number;
}

/** A store to test on: a service that produces, and a transport on the same data. */
interface Store {
  readonly service: EventService;
  readonly transport: StreamTransport;
  readonly prefix: string;
}

/** The transport's admin, counting the entries its reads brought and the read calls. */
function counting(transport: StreamTransport) {
  const admin = transport.capabilities.admin as StreamAdmin;
  const counts = { read: 0, calls: 0 };
  const wrapped: StreamAdmin = Object.create(admin) as StreamAdmin;
  wrapped.readAfter = async (key, after, count) => {
    counts.calls++;
    const page = await admin.readAfter(key, after, count);
    counts.read += page.length;
    return page;
  };
  wrapped.lastId = (key) => admin.lastId(key);
  return { admin: wrapped, counts };
}

const redis = useRedisServer();

describe.each([
  ['memory', (): Store => {
    const broker = new MemoryBroker();
    return { service: createEventService({ group: 'G', broker }), transport: new MemoryStreamTransport(broker), prefix: '' };
  }],
  ['redis', (): Store => {
    const prefix = `${uniqueName('history')}:`;
    return { service: createEventService({ group: 'G', redis: redis.server.url, prefix }), transport: new RedisStreamTransport(connectRedis(redis.server.url)), prefix };
  }],
])('history (%s)', (_name, open) => {
  let store: Store;
  beforeEach(() => {
    store = open();
  });
  afterEach(async () => {
    await store.service.close();
    await store.transport.close();
  });

  const moves = () => eventStream<Move>(uniqueName('moves'), { partitions: 16, key: (move) => move.player });
  const fill = async (stream: ReturnType<typeof moves>) => {
    for (let n = 0; n < 4; n++) await store.service.produce(stream, ...Array.from({ length: 64 }, (_, p) => ({ player: `p${p}`, n })));
  };

  it('history - over 16 partitions, never more than pageSize entries are read ahead of what was emitted', async () => {
    const stream = moves();
    await fill(stream);
    const { admin, counts } = counting(store.transport);
    let emitted = 0;
    let ahead = 0;
    const entries = await lastValueFrom(
      readHistory(admin, stream, partitionKeys(store.prefix, stream), historyBounds({ pageSize: 32 }), () => undefined).pipe(
        tap(() => {
          ahead = Math.max(ahead, counts.read - emitted);
          emitted++;
        }),
        toArray(),
      ),
    );
    expect(entries).toHaveLength(256);
    expect(counts.read).toBe(256);
    expect(ahead).toBe(32); // 16 partitions, a page of 2 each
    const ids = entries.map((entry) => entry.id);
    expect(ids.every((id, index) => index === 0 || Number(id.split('-')[0]) >= Number((ids[index - 1] as string).split('-')[0]))).toBe(true);
  });

  it('history - unsubscribing stops the reading', async () => {
    const stream = moves();
    await fill(stream);
    const { admin, counts } = counting(store.transport);
    const first = await firstValueFrom(readHistory(admin, stream, partitionKeys(store.prefix, stream), historyBounds({ pageSize: 32 }), () => undefined).pipe(take(1), toArray()));
    expect(first).toHaveLength(1);
    await sleep(50);
    expect([counts.calls, counts.read]).toEqual([16, 32]); // the first page of each partition, nothing after
  });
});
