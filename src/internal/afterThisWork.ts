import { asapScheduler } from 'rxjs';

/** A virtual clock starts at 0; a real one reads milliseconds since 1970, more than this since 2001. */
const REAL_CLOCK_FLOOR = 1e12;

/**
 * Runs `work` once the current synchronous work is done, as `asapScheduler` does: in a microtask, or
 * under `TestScheduler.run`, whose virtual clock `asapScheduler` then reads, as its next task in the
 * same virtual frame. Outside virtual time this costs one microtask, without the action and the
 * handle `asapScheduler` allocates for each task.
 */
export function afterThisWork(work: () => void): void {
  if (asapScheduler.now() < REAL_CLOCK_FLOOR) asapScheduler.schedule(work);
  else queueMicrotask(work);
}
