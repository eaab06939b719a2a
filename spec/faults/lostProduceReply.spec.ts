import { createEventService, eventStream } from 'rx-redis-events';
import { partitionKeys } from '../../src/partitions/streamLayout';
import { uniqueName } from '../conformance/helpers';
import { useRedisServer } from '../support/useRedisServer';
import { startChaosProxy } from './chaosProxy';
import { eventually, sleep } from '../support/eventually';

/**
 * Issue 16: the server applies a produce call, its reply is lost on the wire and the connection is
 * reset 300 ms later; ioredis reconnects and sends the call again (`autoResendUnfulfilledCommands`).
 * The idempotent producer makes the resend answer the first ids and append nothing.
 */
describe('faults - a produce reply lost on the network', () => {
  const redis = useRedisServer();

  for (const partitions of [1, 4]) {
    it(`faults - produce of 10 events whose reply was lost resolves with 10 ids, and the stream holds those 10 entries once (${partitions} partition(s))`, async () => {
      const proxy = await startChaosProxy(redis.server);
      const prefix = `${uniqueName('lost')}:`;
      const stream = eventStream<{ n: number }>('orders', { partitions });
      const keys = partitionKeys(prefix, stream);
      const service = createEventService({ group: 'shop', redis: proxy.url, prefix, produceTimeoutMs: 15_000, onError: () => undefined });
      try {
        await service.produce(stream, { n: 0 }); // connected
        const total = async () => (await Promise.all(keys.map((key) => redis.admin.xlen(key)))).reduce((sum, length) => sum + length, 0);
        expect(await total()).toBe(1);
        proxy.dropReplies = true;
        let settled = false;
        const produced = service.produce(stream, ...Array.from({ length: 10 }, (_, index) => ({ n: index + 1 })));
        void produced.finally(() => (settled = true));
        await eventually('the server to hold 11 entries', async () => (await total()) >= 11, { timeoutMs: 10_000, intervalMs: 20 });
        expect(await total()).toBe(11); // the server applied the call...
        await sleep(300);
        expect(settled).toBe(false); // ...and the client never heard of it
        proxy.dropReplies = false;
        proxy.resetAll();
        const ids = await produced;
        expect(ids).toHaveLength(10);
        expect(await total()).toBe(11);
        const stored = (await Promise.all(keys.map((key) => redis.admin.xrange(key, '-', '+')))).flat();
        const byValue = new Map(stored.map(([id, fields]) => [(JSON.parse(fields[1] as string) as { json: { n: number } }).json.n, id]));
        expect(byValue.size).toBe(11);
        // every id answered is the entry of its event, in the partition it went to
        expect(ids).toEqual(Array.from({ length: 10 }, (_, index) => byValue.get(index + 1)));
      } finally {
        await service.close();
        await proxy.close();
      }
    });
  }
});
