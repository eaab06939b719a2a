import { isPromiseLike, type Checked } from './checkValue';

interface Waiting<T> {
  outcome?: Checked<T>;
  readonly settle: (outcome: Checked<T>) => void;
}

/**
 * Settles validation outcomes in the order they were added, whether the schema answered at once or
 * with a Promise: an outcome known at once is settled at once while nothing waits before it (the
 * synchronous path, unchanged in virtual time); otherwise it waits for those added before it.
 */
export class InOrder<T> {
  private readonly waiting: Waiting<T>[] = [];

  /** @param report Where an exception of a `settle` called after a Promise goes. */
  constructor(private readonly report: (error: unknown) => void) {}

  /** How many outcomes wait to be settled. */
  get size(): number {
    return this.waiting.length;
  }

  /** Settles `outcome` through `settle` now, or once it is known and everything added before it is settled. */
  add(outcome: Checked<T> | Promise<Checked<T>>, settle: (outcome: Checked<T>) => void): void {
    if (!isPromiseLike(outcome)) {
      if (this.waiting.length === 0) settle(outcome);
      else this.waiting.push({ outcome, settle });
      return;
    }
    const slot: Waiting<T> = { settle };
    this.waiting.push(slot);
    outcome.then((known) => {
      slot.outcome = known;
      this.flush();
    }).catch(this.report);
  }

  private flush(): void {
    for (let head = this.waiting[0]; head?.outcome; head = this.waiting[0]) {
      this.waiting.shift();
      try {
        head.settle(head.outcome);
      } catch (error) {
        this.report(error);
      }
    }
  }
}
