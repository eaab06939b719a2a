import { timer, type Subscription } from 'rxjs';
import { wait, type Awaitable } from '../internal/coroutine';
import type { PendingClaims, ReadEntry } from '../transport/StreamTransport';
import { ClaimWalk } from './ClaimWalk';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';

/**
 * What one consumer loop claims, on a backend with claims: at its start, what its consumer still
 * holds; then, every `claimIdleAfterMs / 2`, a walk over the group's pending list for entries other
 * consumers left idle. Each claim that brings entries is told as `consumer.claimed`.
 */
export class LoopClaims<T> {
  /** The walk over the group's pending list. */
  readonly walk: ClaimWalk;

  constructor(
    private readonly pending: PendingClaims,
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
  ) {
    this.walk = new ClaimWalk(pending, ctx.group, target, options);
  }

  /** Whether a walk is under way: the loop takes its next step instead of reading new entries. */
  get walking(): boolean {
    return this.walk.walking;
  }

  /** Begins a walk every `claimIdleAfterMs / 2` (at least 50 ms), the first at once, and calls `kick` to let the loop take it; nothing when nobody claims (`Infinity`). */
  walkPeriodically(kick: () => void): Subscription | undefined {
    const { claimIdleAfterMs, scheduler } = this.options;
    if (!Number.isFinite(claimIdleAfterMs)) return undefined;
    const period = Math.max(claimIdleAfterMs / 2, 50);
    return timer(0, period, scheduler).subscribe(() => {
      this.walk.begin();
      kick();
    });
  }

  /** Takes back up to `count` entries the consumer still holds (a restart of the same consumer). */
  *own(count: number): Generator<Awaitable<unknown>, ReadEntry[], unknown> {
    const { key, consumer } = this.target;
    return this.claimed('own', yield* wait(this.pending.claimOwn(key, this.ctx.group, consumer, count)));
  }

  /** One step of the walk under way: up to `count` idle entries this consumer is not `holding`. */
  *idle(count: number, holding: readonly string[]): Generator<Awaitable<unknown>, ReadEntry[], unknown> {
    return this.claimed('idle', yield* this.walk.step(count, holding));
  }

  private claimed(source: 'own' | 'idle', entries: ReadEntry[]): ReadEntry[] {
    const { instrument } = this.ctx;
    if (entries.length > 0 && instrument.on) instrument.emit({ type: 'consumer.claimed', stream: this.target.stream.name, consumer: this.target.consumer, source, ids: entries.map((entry) => entry.id) });
    return entries;
  }
}
