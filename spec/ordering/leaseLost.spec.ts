import { createEventService, eventStream, MemoryBroker } from '../../src';
import { leaseKeyOf, partitionKeys } from '../../src/partitions/streamLayout';
import { eventually, sleep } from '../support/eventually';

const LEASE_MS = 300;

/** A service of group `G` on a broker of its own, a stream of one key, the lease key of its one partition, and the steps handled. */
function setUp() {
  const broker = new MemoryBroker();
  const service = createEventService({ group: 'G', consumer: 'a', broker });
  const steps = eventStream<{ n: number }>('steps', { key: () => 'job' });
  const leaseKey = leaseKeyOf(partitionKeys('', steps)[0] as string, 'G');
  return { broker, service, steps, leaseKey, got: [] as number[] };
}

describe('ordered consumers - leases', () => {
  it('ordered - a consumer whose lease another took stops reading that partition at once, and reads it again once it holds the lease again', async () => {
    const { broker, service, steps, leaseKey, got } = setUp();
    const subscription = service.consume(steps, { from: 'start', ordered: true, claimIdleAfterMs: LEASE_MS }).subscribe((delivery) => {
      got.push(delivery.value.n);
      void delivery.ack();
    });
    try {
      await service.produce(steps, { n: 0 });
      await eventually('the first step', () => got.length === 1);

      // another instance holds the lease now (as if this one had not renewed it in time)
      broker.leases.release(leaseKey, 'a#1', broker.now());
      expect(broker.leases.acquire(leaseKey, 'intruder', 60_000, broker.now())).toBe(true);
      await sleep(LEASE_MS); // several beats: the renewal fails and reading stops
      await service.produce(steps, { n: 1 });
      await sleep(LEASE_MS);
      expect(got).toEqual([0]);

      broker.leases.release(leaseKey, 'intruder', broker.now());
      await eventually('the second step, once the lease is back', () => got.length === 2);
      expect(got).toEqual([0, 1]);
    } finally {
      subscription.unsubscribe();
      await service.close();
    }
  });

  it('ordered - a consumer starved past its lease hands out nothing more of what it read under it: another instance may hold the lease by then', async () => {
    const { broker, service, steps, leaseKey, got } = setUp();
    let tookOver = false;
    const subscription = service.consume(steps, { from: 'start', ordered: true, claimIdleAfterMs: LEASE_MS }).subscribe((delivery) => {
      got.push(delivery.value.n);
      if (delivery.value.n === 0) {
        // the process gets no CPU for longer than the lease: no beat renews it, and another instance takes it
        const until = Date.now() + 2 * LEASE_MS;
        while (Date.now() < until);
        tookOver = broker.leases.acquire(leaseKey, 'intruder', 60_000, broker.now());
      }
      void delivery.ack();
    });
    try {
      await service.produce(steps, { n: 0 }, { n: 1 }, { n: 2 });
      await eventually('the first step', () => got.length >= 1);
      await sleep(LEASE_MS); // the ack of step 0 is recorded; several beats find the lease taken
      expect(tookOver).toBe(true);
      expect(got).toEqual([0]);

      broker.leases.release(leaseKey, 'intruder', broker.now());
      await eventually('the other steps, once the lease is back', () => got.length === 3);
      expect(got).toEqual([0, 1, 2]);
    } finally {
      subscription.unsubscribe();
      await service.close();
    }
  });
});
