import type { SchedulerLike } from 'rxjs';

/** Longest a consumer whose window was full waits for more room before it reads what is free. */
const REFILL_PAUSE_MS = 20;

/**
 * After the window was full, reading resumes once half of it is free, or `REFILL_PAUSE_MS` after
 * the first slot freed: a slow handler then costs one read per many events, not one per event.
 */
export class RefillPacing {
  private refilling = false;
  private refillBy: number | undefined;

  constructor(
    private readonly maxInFlight: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** How long the loop waits before it reads into `room` free slots: 0 to read now, `Infinity` while the window is full (until room is freed). */
  pauseMs(room: number): number {
    if (!this.mustWaitForRoom(room)) return 0;
    return room <= 0 ? Infinity : (this.refillBy as number) - this.scheduler.now();
  }

  private mustWaitForRoom(room: number): boolean {
    const { maxInFlight, scheduler } = this;
    if (room <= 0) {
      this.refilling = true;
      this.refillBy = undefined;
      return true;
    }
    if (!this.refilling) return false;
    this.refillBy ??= scheduler.now() + REFILL_PAUSE_MS;
    if (room >= Math.ceil(maxInFlight / 2) || scheduler.now() >= this.refillBy) {
      this.refilling = false;
      this.refillBy = undefined;
      return false;
    }
    return true;
  }
}
