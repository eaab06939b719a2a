import { readOf } from '../../support/readOf';
import { createServer } from 'node:net';
import { firstValueFrom, VirtualTimeScheduler } from 'rxjs';
import { connectRedis } from '../../../src/transport/redis/connect';
import { GroupReaders } from '../../../src/transport/reading/GroupReaders';
import { GroupStreamReader } from '../../../src/transport/reading/GroupStreamReader';
import { redisReadLinks } from '../../../src/transport/redis/ReaderLink';
import { sleep } from '../../support/eventually';

/** A port on which nothing listens (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('redis transport - reader timers', () => {
  it('reader timers - the wait for a connection that is not ready runs on the injected scheduler', async () => {
    const connections = connectRedis({ host: '127.0.0.1', port: await closedPort(), retryStrategy: () => 50, lazyConnect: true });
    const scheduler = new VirtualTimeScheduler();
    const reader = new GroupStreamReader(new GroupReaders(redisReadLinks(connections, scheduler), scheduler, () => undefined), 'k', 'g', 'c', scheduler);
    let result: unknown;
    const read = firstValueFrom(readOf(reader, 10, 2000)).then((entries) => (result = entries));
    await sleep(300); // real time passes: only the virtual clock ends the wait
    expect(result).toBeUndefined();
    scheduler.flush();
    await read;
    expect(result).toEqual([]);
    expect(scheduler.now()).toBe(2000);
    void reader.close();
    await connections.close();
  });
});
