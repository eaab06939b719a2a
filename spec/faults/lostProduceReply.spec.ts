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

  /** Produces `calls` (each a list of values) in one tick while the replies are lost, resets the connection, and checks every call's ids and that each value is stored once. */
  async function loseRepliesOf(partitions: number, calls: readonly number[][]): Promise<void> {
    const proxy = await startChaosProxy(redis.server);
    const prefix = `${uniqueName('lost')}:`;
    const stream = eventStream<{ n: number }>('orders', { partitions });
    const keys = partitionKeys(prefix, stream);
    const service = createEventService({ group: 'shop', redis: proxy.url, prefix, produceTimeoutMs: 15_000, onError: () => undefined });
    const events = calls.flat().length;
    try {
      await service.produce(stream, { n: 0 }); // connected
      const total = async () => (await Promise.all(keys.map((key) => redis.admin.xlen(key)))).reduce((sum, length) => sum + length, 0);
      expect(await total()).toBe(1);
      proxy.dropReplies = true;
      let settled = 0;
      const produced = calls.map((values) => service.produce(stream, ...values.map((n) => ({ n }))));
      for (const call of produced) void call.finally(() => settled++);
      await eventually(`the server to hold ${events + 1} entries`, async () => (await total()) >= events + 1, { timeoutMs: 10_000, intervalMs: 20 });
      expect(await total()).toBe(events + 1); // the server applied the calls...
      await sleep(300);
      expect(settled).toBe(0); // ...and the client never heard of them
      proxy.dropReplies = false;
      proxy.resetAll();
      const ids = await Promise.all(produced);
      expect(ids.map((answer) => answer.length)).toEqual(calls.map((values) => values.length));
      expect(await total()).toBe(events + 1);
      const stored = (await Promise.all(keys.map((key) => redis.admin.xrange(key, '-', '+')))).flat();
      const byValue = new Map(stored.map(([id, fields]) => [(JSON.parse(fields[1] as string) as { json: { n: number } }).json.n, id]));
      expect(byValue.size).toBe(events + 1);
      // every id answered is the entry of its event, in the partition it went to
      expect(ids).toEqual(calls.map((values) => values.map((n) => byValue.get(n))));
    } finally {
      await service.close();
      await proxy.close();
    }
  }

  for (const partitions of [1, 4]) {
    it(`faults - produce of 10 events whose reply was lost resolves with 10 ids, and the stream holds those 10 entries once (${partitions} partition(s))`, async () => {
      await loseRepliesOf(partitions, [Array.from({ length: 10 }, (_, index) => index + 1)]);
    });

    it(`faults - three produce calls of one tick (one append per partition) whose replies were lost resolve with their own ids, and each entry is stored once (${partitions} partition(s))`, async () => {
      await loseRepliesOf(partitions, [[1, 2, 3, 4], [5], [6, 7, 8, 9, 10]]);
    });
  }
});
