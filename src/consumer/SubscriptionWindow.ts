import { timer, type SchedulerLike, type Subscription } from 'rxjs';

/** Longest the loops of a window that was full wait for more room before they read what is free. */
const REFILL_PAUSE_MS = 20;

/**
 * Most loops half the window is divided between: with more, each still asks for an eighth of the
 * window. A read costs about the same whatever it brings, and on a cluster every partition's read is
 * a command of its own (each slot has its reader), so reads of many partitions are kept from
 * shrinking to a few entries each.
 */
export const READ_SHARES = 4;

/**
 * The `maxInFlight` window of one subscription, shared by the loops that read its partitions: one
 * count of the deliveries it holds (emitted and not settled, or being dead-lettered), however many
 * partitions it reads. A loop admits a read entry only while the window has room; what a read brought
 * beyond it waits in that loop, unemitted, and is admitted first when room frees. Reads are sized
 * from the room left: a loop whose last read came back full (a backlog) may ask for half the window,
 * shared with the other loops that have one; the others ask for an equal part of half the window. No
 * share is smaller than half the window divided between {@link READ_SHARES} loops: with more loops,
 * their reads together may bring more than there is room for, and what is beyond it waits in its loop
 * (counted, and renewed with what the loop holds). A loop reads nothing while the entries that wait
 * fill the room left.
 *
 * After the window was full, the loops wait until half of it is free, or `REFILL_PAUSE_MS` after the
 * first slot freed, before they read or admit again: a slow handler then costs one read per many
 * events, not one per event. Loops that wait are woken once, when that moment comes; nothing else
 * wakes a loop when a delivery is settled.
 */
export class SubscriptionWindow {
  private held = 0;
  private waitingEntries = 0;
  private readonly loops = new Set<object>();
  private readonly backlogged = new Set<object>();
  private readonly waiters = new Set<() => void>();
  private refilling = false;
  private refillPause: Subscription | undefined;

  constructor(
    /** `maxInFlight`: how many deliveries the subscription may hold. */
    readonly capacity: number,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** Deliveries held now, across every loop. */
  get holding(): number {
    return this.held;
  }

  /** How many more entries may be admitted now (0 while the window refills after it was full). */
  get room(): number {
    return this.refilling ? 0 : this.capacity - this.held;
  }

  /** A loop starts reading through this window. */
  join(loop: object): void {
    this.loops.add(loop);
  }

  /** A loop stops reading through this window (what it holds is still counted until settled). */
  leave(loop: object): void {
    this.loops.delete(loop);
    this.backlogged.delete(loop);
  }

  /**
   * How many entries `loop` reads next: 0 while there is no room for more than the entries that wait
   * already (plus `admitting`, a read's entries about to be admitted).
   */
  readCount(loop: object, backlog: boolean, admitting = 0): number {
    if (backlog) this.backlogged.add(loop);
    else this.backlogged.delete(loop);
    const free = this.room - this.waitingEntries - admitting;
    if (free <= 0) return 0;
    const half = Math.ceil(this.capacity / 2);
    const sharing = Math.min(READ_SHARES, backlog ? this.backlogged.size : Math.max(1, this.loops.size));
    return Math.min(free, Math.max(1, Math.floor(half / sharing)));
  }

  /** One delivery more is held. */
  take(): void {
    this.held++;
    if (this.held >= this.capacity) this.refilling = true;
  }

  /** A held delivery is settled: its slot is free. */
  give(): void {
    this.held--;
    if (!this.refilling) return this.wakeWaiters();
    if (this.capacity - this.held >= Math.ceil(this.capacity / 2)) return this.endRefill();
    this.refillPause ??= timer(REFILL_PAUSE_MS, this.scheduler).subscribe(() => this.endRefill());
  }

  /** `count` read entries wait in a loop for room (negative: that many left the wait). */
  waiting(count: number): void {
    this.waitingEntries += count;
  }

  /**
   * Wakes the waiting loops when there is room beyond the entries that wait: after waiting entries
   * left without being held (handed back, or acked for another group), since no settlement follows.
   */
  wakeIfRoom(): void {
    if (this.room - this.waitingEntries > 0) this.wakeWaiters();
  }

  /** Calls `wake` once, when room may have come; the returned function cancels that. */
  whenRoom(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  private endRefill(): void {
    this.refillPause?.unsubscribe();
    this.refillPause = undefined;
    this.refilling = false;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}
