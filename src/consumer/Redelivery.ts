import { Subscription, timer, type SchedulerLike } from 'rxjs';

/**
 * The redelivery timers of one consumer loop: a nacked entry becomes due after its delay (on the
 * scheduler), and the loop takes the due ids to claim them back. Released when the loop stops:
 * timers cancelled, nothing due any more.
 */
export class Redelivery {
  private due: string[] = [];
  private readonly timers = new Subscription();
  private stopped = false;

  /**
   * @param dueNow Told each time an entry becomes due, so the loop wakes up to take it.
   */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly dueNow: () => void,
  ) {}

  /** Whether {@link release} was called: nothing is scheduled any more. */
  get released(): boolean {
    return this.stopped;
  }

  /** Makes `id` due after `delayMs`. */
  schedule(id: string, delayMs: number): void {
    this.timers.add(
      timer(delayMs, this.scheduler).subscribe(() => {
        this.due.push(id);
        this.dueNow();
      }),
    );
  }

  /** Takes the ids that are due for redelivery, oldest first. */
  takeDue(): string[] {
    const due = this.due;
    this.due = [];
    return due;
  }

  /** Cancels every timer and forgets what was due. */
  release(): void {
    this.stopped = true;
    this.timers.unsubscribe();
    this.due = [];
  }
}
