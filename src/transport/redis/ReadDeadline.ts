import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * The deadline of a reader's read under way, watched on the injected scheduler by one scheduled check
 * at a time. A read sets its deadline and an answer clears it: a read answered in time costs no timer of
 * its own. When the check comes due, it finds the read under way lost, or schedules itself again for
 * that read's deadline; it is brought forward only for a deadline earlier than the one it waits for.
 */
export class ReadDeadline {
  /** When the read under way counts as lost (scheduler time); `Infinity` without one. */
  private deadline = Infinity;
  private check: { readonly at: number; readonly subscription: Subscription } | undefined;

  /** @param lost Told when a read was not answered by its deadline (once per read). */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly lost: () => void,
  ) {}

  /** A read was sent: it counts as lost unless it is answered within `ms`. */
  start(ms: number): void {
    this.deadline = this.scheduler.now() + ms;
    if (this.check && this.check.at <= this.deadline) return;
    this.check?.subscription.unsubscribe();
    this.checkAt(this.deadline);
  }

  /** The read under way ended (answered, failed or withdrawn). */
  stop(): void {
    this.deadline = Infinity;
  }

  /** Stops watching for good. */
  close(): void {
    this.deadline = Infinity;
    this.check?.subscription.unsubscribe();
    this.check = undefined;
  }

  private checkAt(at: number): void {
    let ran = false;
    const subscription = this.scheduler.schedule(() => {
      ran = true;
      this.due();
    }, Math.max(0, at - this.scheduler.now()));
    // a scheduler that ran the check already, inside schedule(), holds nothing to wait for
    if (!ran) this.check = { at, subscription };
  }

  private due(): void {
    this.check = undefined;
    if (this.deadline === Infinity) return;
    if (this.scheduler.now() < this.deadline) return this.checkAt(this.deadline);
    this.deadline = Infinity;
    this.lost();
  }
}
