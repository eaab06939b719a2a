import type { SchedulerLike } from 'rxjs';

/**
 * What an ordered consumer knows, by its own clock, of its lease on one partition. The broker
 * counts a lease's time from when it gets the renewal, so the lease surely holds until `leaseMs`
 * after the last renewal was sent. A margin before that (the way of a command to the broker), the
 * lease lapses here: another instance may take the partition over from then on, so the consumer
 * neither reads it nor hands out anything more of it under this lease, even when its process got no
 * CPU for a while and no beat ran. A lapse is final: a renewal that succeeds later may come after
 * another instance held the lease and moved the partition on, so the partition is taken again afresh.
 */
export class PartitionLease {
  /** Scheduler time from which the lease may be gone. */
  private until: number;
  private lapsed = false;

  /**
   * @param sentAt Scheduler time when the request that took the lease was sent.
   * @param marginMs How long before the lease's end it lapses here.
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly leaseMs: number,
    private readonly marginMs: number,
    sentAt: number,
  ) {
    this.until = sentAt + leaseMs - marginMs;
  }

  /** A renewal sent at `sentAt` succeeded: the lease holds longer, unless it had lapsed by then. */
  renewed(sentAt: number): void {
    if (sentAt >= this.until) this.lapsed = true;
    if (!this.lapsed) this.until = sentAt + this.leaseMs - this.marginMs;
  }

  /** How long (ms) the consumer may still read the partition and hand out its events; 0 once the lease lapsed. */
  remainingMs(): number {
    if (this.lapsed) return 0;
    const left = this.until - this.scheduler.now();
    if (left > 0) return left;
    this.lapsed = true;
    return 0;
  }

  /** Whether the lease still holds. */
  get held(): boolean {
    return this.remainingMs() > 0;
  }
}
