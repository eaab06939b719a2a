import { firstValueFrom, VirtualTimeScheduler } from 'rxjs';
import { connectRedis } from '../../../src/transport/redis/connect';
import { ReaderLink, redisReadLinks } from '../../../src/transport/redis/ReaderLink';
import { GroupReaders } from '../../../src/transport/reading/GroupReaders';
import { GroupStreamReader } from '../../../src/transport/reading/GroupStreamReader';
import type { StreamEntries } from '../../../src/transport/reading/ReadLink';
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

  it('a read without BLOCK answers nothing 1.5 s after it was sent, on the injected clock, and the next read goes over a new connection', async () => {
    const key = uniqueName('dead-path');
    await redis.admin.xgroup('CREATE', key, 'g', '$', 'MKSTREAM');
    const connections = connectRedis(proxy.url);
    const scheduler = new VirtualTimeScheduler();
    let readyCount = 0;
    const link = new ReaderLink(connections, scheduler, key, 'g', 'c', () => void readyCount++);
    try {
      await eventually('the reader ready', () => readyCount === 1 && link.readyForRead());
      proxy.freezeOpen((lastSent) => lastSent.includes('\r\nID\r\n')); // the reader's connection only: its last command was CLIENT ID
      await redis.admin.xadd(key, '*', 'v', 'not read: the request never arrives');
      const answers: unknown[] = [];
      link.read([key], 10, undefined, (streams) => answers.push(streams), (error) => answers.push(error));
      scheduler.maxFrames = 1499;
      scheduler.flush();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answers).toEqual([]);
      scheduler.maxFrames = 1500;
      scheduler.flush();
      expect(answers).toEqual([[]]);
      await eventually('the reader ready again, on a new connection', () => readyCount === 2 && link.readyForRead());
      const next = await new Promise<StreamEntries[]>((resolve, reject) => link.read([key], 10, undefined, resolve, reject));
      expect(next.map((stream) => [stream.key, stream.entries.map((entry) => entry.fields)])).toEqual([
        [key, [{ v: 'not read: the request never arrives' }]],
      ]);
    } finally {
      link.close();
      await connections.close();
    }
  });
});
