import { TestScheduler } from 'rxjs/testing';
import { PartitionLease } from '../../src/ordering/PartitionLease';

describe('PartitionLease', () => {
  /** A lease of 1000 ms that lapses 250 ms before its end, taken by a request sent at 100, on a clock the spec sets. */
  const setUp = () => {
    const scheduler = new TestScheduler(() => undefined);
    const at = (time: number) => void (scheduler.frame = time);
    return { lease: new PartitionLease(scheduler, 1000, 250, 100), at };
  };

  it('holds until the lease time after the request that took it was sent, less the margin', () => {
    const { lease, at } = setUp();
    at(100);
    expect([lease.remainingMs(), lease.held]).toEqual([750, true]);
    at(849);
    expect([lease.remainingMs(), lease.held]).toEqual([1, true]);
    at(850);
    expect([lease.remainingMs(), lease.held]).toEqual([0, false]);
  });

  it('a renewal counts from when it was sent, not from when it was answered', () => {
    const { lease, at } = setUp();
    lease.renewed(600);
    at(1000); // the answer came late
    expect(lease.remainingMs()).toBe(350);
    lease.renewed(1000);
    expect(lease.remainingMs()).toBe(750);
  });

  it('a lapse is final: neither a renewal sent after it nor the clock brings the lease back', () => {
    const { lease, at } = setUp();
    lease.renewed(850); // sent when the lease may already have been gone
    at(900);
    expect([lease.remainingMs(), lease.held]).toEqual([0, false]);
    lease.renewed(900);
    at(0);
    expect([lease.remainingMs(), lease.held]).toEqual([0, false]);
  });

  it('a lapse seen once by the clock stays, although a renewal sent before it is answered later', () => {
    const { lease, at } = setUp();
    at(850);
    expect(lease.held).toBe(false);
    lease.renewed(800);
    at(810);
    expect([lease.remainingMs(), lease.held]).toEqual([0, false]);
  });
});
