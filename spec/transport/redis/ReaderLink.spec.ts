import { firstValueFrom, VirtualTimeScheduler } from 'rxjs';
import { connectRedis } from '../../../src/transport/redis/connect';
import { redisReadLinks } from '../../../src/transport/redis/ReaderLink';
import { GroupReaders } from '../../../src/transport/reading/GroupReaders';
import { GroupStreamReader } from '../../../src/transport/reading/GroupStreamReader';
import { startChaosProxy, type ChaosProxy } from '../../faults/chaosProxy';
import { uniqueName } from '../../conformance/helpers';
import { eventually } from '../../support/eventually';
import { readOf } from '../../support/readOf';
import { useRedisServer } from '../../support/useRedisServer';

describe('ReaderLink - a read on a connection that died without a close', () => {
  const redis = useRedisServer();
  let proxy: ChaosProxy;
  beforeEach(async () => void (proxy = await startChaosProxy({ host: '127.0.0.1', port: redis.server.port })));
  afterEach(() => proxy.close());

  /** Whether a client on the server is blocked in an `XREADGROUP` now. */
  const blockedRead = async () => /cmd=xreadgroup/.test(String(await redis.admin.client('LIST')));

  it('answers nothing once its BLOCK time plus 1.5 s have passed on the injected clock, and the reader reconnects and reads on', async () => {
    const key = uniqueName('dead-path');
    await redis.admin.xgroup('CREATE', key, 'g', '$', 'MKSTREAM');
    const connections = connectRedis(proxy.url);
    const scheduler = new VirtualTimeScheduler();
    const reader = new GroupStreamReader(new GroupReaders(redisReadLinks(connections, scheduler), scheduler, () => undefined), key, 'g', 'c', scheduler);
    try {
      let answer: unknown;
      const first = firstValueFrom(readOf(reader, 10, 2000)).then((entries) => (answer = entries));
      await eventually('the read blocked on the server', blockedRead);
      proxy.freezeOpen((lastSent) => lastSent.includes('XREADGROUP')); // the reader's connection only
      await redis.admin.xadd(key, '*', 'v', 'lost on the way'); // the server answers the read; the answer never arrives
      // real time does not end it: only the injected clock does
      scheduler.maxFrames = 2000 + 1499;
      scheduler.flush();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answer).toBeUndefined();
      scheduler.maxFrames = 2000 + 1500;
      scheduler.flush();
      await first;
      expect(answer).toEqual([]);
      // a new connection (not frozen) carries the next read
      const id = await redis.admin.xadd(key, '*', 'v', 'after the reconnect');
      const next = await firstValueFrom(readOf(reader, 10, 2000));
      expect(next.map((entry) => [entry.id, entry.fields])).toEqual([[id, { v: 'after the reconnect' }]]);
    } finally {
      await reader.close();
      await connections.close();
    }
  });
});
