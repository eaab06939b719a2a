import { timer, type SchedulerLike } from 'rxjs';
import { pending, type Coroutine } from '../internal/coroutine';
import type { SubscriptionWindow } from './SubscriptionWindow';

/**
 * How a consumer loop waits when it has nothing to do: for room in its window, or for a pause (on
 * the scheduler); either wait also ends early when {@link wakeUp} is called (a redelivery came due,
 * a claim walk began).
 */
export class LoopWake {
  private wake: (() => void) | undefined;

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Ends the wait under way, if any. */
  wakeUp(): void {
    this.wake?.();
  }

  /** Waits until `window` may have room, or until woken. */
  *forRoom(window: SubscriptionWindow): Coroutine {
    yield pending<void>((woken) => {
      this.wake = woken;
      const cancel = window.whenRoom(woken);
      return () => {
        cancel();
        this.wake = undefined;
      };
    });
  }

  /** Waits for `ms` (`Infinity`: until woken), or until woken. */
  *sleep(ms: number): Coroutine {
    yield pending<void>((woken) => {
      this.wake = woken;
      const pause = Number.isFinite(ms) ? timer(ms, this.scheduler).subscribe(() => woken()) : undefined;
      return () => {
        pause?.unsubscribe();
        this.wake = undefined;
      };
    });
  }
}
