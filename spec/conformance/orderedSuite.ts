import type { Subscription } from 'rxjs';
import { eventStream, type Delivery } from '../../src';
import { partitionOf } from '../../src/partitions/partitionOf';
import type { BackendContext } from './backend';
import { uniqueName } from './helpers';
import { eventually } from '../support/eventually';

interface Step {
  job: string;
  n: number;
}

/** Short leases so that takeovers happen within a test: beats every 75 ms. */
const LEASE_MS = 300;

const steps = (jobs: number, each: number, from = 0): Step[] =>
  Array.from({ length: each }, (_, n) => Array.from({ length: jobs }, (_, j) => ({ job: `job-${j}`, n: from + n }))).flat();

/** `consume(stream, { ordered: true })`: one event per key at a time, in produce order, across instances. */
export function orderedSuite(ctx: () => BackendContext): void {
  const stream = (partitions: number) => eventStream<Step>(uniqueName('steps'), { partitions, key: (step) => step.job });
  const ordered = { from: 'start' as const, ordered: true, claimIdleAfterMs: LEASE_MS };

  it('ordered - an event waits while an earlier one of its key is un-acked; other keys go on', async () => {
    const steps2 = stream(1);
    const service = ctx().createService({ group: 'G' });
    const got: Delivery<Step>[] = [];
    const subscription = service.consume(steps2, ordered).subscribe((delivery) => got.push(delivery));
    await service.produce(steps2, { job: 'a', n: 0 }, { job: 'a', n: 1 }, { job: 'b', n: 0 }, { job: 'a', n: 2 });
    await eventually('a0 and b0', () => got.length === 2);
    expect(got.map((delivery) => `${delivery.value.job}${delivery.value.n}`)).toEqual(['a0', 'b0']);
    await got[0]?.ack();
    await eventually('a1', () => got.length === 3);
    await got[1]?.ack();
    await got[2]?.ack();
    await eventually('a2', () => got.length === 4);
    expect(got.map((delivery) => `${delivery.value.job}${delivery.value.n}`)).toEqual(['a0', 'b0', 'a1', 'a2']);
    await got[3]?.ack();
    subscription.unsubscribe();
  });

  it('ordered - a nacked event comes back before anything later of its key', async () => {
    const steps2 = stream(2);
    const service = ctx().createService({ group: 'G' });
    const seen: string[] = [];
    const subscription = service.consume(steps2, ordered).subscribe((delivery) => {
      seen.push(`${delivery.value.job}${delivery.value.n}#${delivery.deliveryCount}`);
      if (delivery.value.n === 0 && delivery.deliveryCount === 1) void delivery.nack({ delayMs: 50 });
      else void delivery.ack();
    });
    await service.produce(steps2, { job: 'a', n: 0 }, { job: 'a', n: 1 }, { job: 'a', n: 2 });
    await eventually('four deliveries', () => seen.length === 4);
    expect(seen).toEqual(['a0#1', 'a0#2', 'a1#1', 'a2#1']);
    subscription.unsubscribe();
  });

  it('ordered - a backlog over many partitions through a small window: every key is handed out in produce order, once', async () => {
    const steps8 = stream(8);
    const service = ctx().createService({ group: 'G' });
    const all = steps(40, 25);
    await service.produce(steps8, ...all);
    const handled = new Map<string, number[]>();
    let count = 0;
    const subscription = service.consume(steps8, { ...ordered, maxInFlight: 16 }).subscribe((delivery) => {
      const { job, n } = delivery.value;
      handled.set(job, [...(handled.get(job) ?? []), n]);
      count++;
      // acks come back in another order than the events went out
      setTimeout(() => void delivery.ack(), n % 3);
    });
    await eventually('every event', () => count === all.length, 20_000);
    subscription.unsubscribe();
    const inOrder = Array.from({ length: 25 }, (_, n) => n);
    expect([...handled.entries()].filter(([, ns]) => ns.join() !== inOrder.join())).toEqual([]);
    expect(handled.size).toBe(40);
  });

  it('ordered - two instances share the partitions, each key stays with one instance and in order', async () => {
    const steps4 = stream(4);
    const handled: Record<string, Step[]> = { x: [], y: [] };
    const subscriptions: Subscription[] = [];
    for (const name of ['x', 'y']) {
      const service = ctx().createService({ group: 'G', consumer: name });
      subscriptions.push(service.consume(steps4, ordered).subscribe((delivery) => (handled[name]?.push(delivery.value), void delivery.ack())));
    }
    // the first to beat takes every partition; the second gets its half once the first hands it over:
    // rounds of one step per job until a whole round was handled with each instance holding two whole
    // partitions of the four (the hand-over is over; the assignment holds while both stay)
    const producer = ctx().createService({ group: 'P' });
    const partitionsOf = (name: string, n: number) => new Set((handled[name] ?? []).filter((step) => step.n === n).map((step) => partitionOf(step.job, 4)));
    let round = 0;
    await eventually(
      'the partitions shared out, two each',
      async () => {
        const n = round++;
        await producer.produce(steps4, ...steps(20, 1, n));
        await eventually(`round ${n} handled`, () => (handled.x?.length ?? 0) + (handled.y?.length ?? 0) === 20 * round, 5000);
        const [x, y] = [partitionsOf('x', n), partitionsOf('y', n)];
        return x.size === 2 && y.size === 2 && [...x].every((partition) => !y.has(partition));
      },
      10_000,
    );
    await producer.produce(steps4, ...steps(20, 5, round));
    const total = 20 * (round + 5);
    await eventually('every step handled', () => (handled.x?.length ?? 0) + (handled.y?.length ?? 0) === total, 10_000);
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    for (let j = 0; j < 20; j++) {
      const job = `job-${j}`;
      const all = [...(handled.x ?? []), ...(handled.y ?? [])].filter((step) => step.job === job).map((step) => step.n);
      expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: round + 5 }, (_, n) => n));
      // once both run, a key's later steps are handled by one instance, in order
      for (const name of ['x', 'y']) {
        const mine = (handled[name] ?? []).filter((step) => step.job === job && step.n >= round).map((step) => step.n);
        expect(mine).toEqual([...mine].sort((a, b) => a - b));
      }
      const late = ['x', 'y'].filter((name) => (handled[name] ?? []).some((step) => step.job === job && step.n >= round));
      expect(late).toHaveLength(1);
    }
  });

  it('ordered - when an instance dies holding events, another takes its partitions within the lease time and redelivers them first, in order', async () => {
    const steps2 = stream(2);
    const dying = ctx().createService({ group: 'G', consumer: 'dying', closeTimeoutMs: 10 });
    const held: Delivery<Step>[] = [];
    dying.consume(steps2, ordered).subscribe((delivery) => held.push(delivery)); // never acks
    await dying.produce(steps2, ...steps(3, 3));
    await eventually('one event per job held', () => held.length === 3);
    await dying.close(); // its deliveries stay un-acked; its lease runs out
    const heir = ctx().createService({ group: 'G', consumer: 'heir' });
    const seen: Step[] = [];
    const counts: number[] = [];
    const subscription = heir.consume(steps2, ordered).subscribe((delivery) => {
      seen.push(delivery.value);
      counts.push(delivery.deliveryCount);
      void delivery.ack();
    });
    await eventually('all nine steps', () => seen.length === 9, 5000);
    subscription.unsubscribe();
    for (let j = 0; j < 3; j++) expect(seen.filter((step) => step.job === `job-${j}`).map((step) => step.n)).toEqual([0, 1, 2]);
    // the dying instance had read all nine (three handed out, six held back behind them): each is a second delivery
    expect(counts).toEqual(Array.from({ length: 9 }, () => 2));
  });
}
