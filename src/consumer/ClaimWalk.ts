import { wait, type Awaitable } from '../internal/coroutine';
import type { PendingClaims, ReadEntry } from '../transport/StreamTransport';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { ConsumerTarget } from './ConsumerContext';

/**
 * One consumer's walk over its group's pending list, a step at a time (`claimIdle`), taking over
 * entries that other consumers left idle; at most one walk is under way. A walk begun with a
 * `minIdleMs` of its own (0: everything pending, idle or not) keeps it until it is complete.
 */
export class ClaimWalk {
  /** Where the walk under way goes on; `undefined` while none is. */
  private cursor: string | undefined;
  /** How long an entry must have been idle to be taken on the walk under way. */
  private minIdleMs: number | undefined;

  /**
   * @param claims The backend's claims (a backend without them redelivers by itself and has no walk).
   * @param group The group whose pending list is walked.
   */
  constructor(
    private readonly claims: PendingClaims,
    private readonly group: string,
    private readonly target: Pick<ConsumerTarget<unknown>, 'key' | 'consumer'>,
    private readonly options: ResolvedConsumeOptions,
  ) {}

  /** Whether a walk is under way. */
  get walking(): boolean {
    return this.cursor !== undefined;
  }

  /** Begins a walk from the oldest pending entry, unless one is under way; `minIdleMs` defaults to `claimIdleAfterMs`. */
  begin(minIdleMs?: number): void {
    if (this.cursor !== undefined) return;
    this.cursor = '0-0';
    this.minIdleMs = minIdleMs;
  }

  /** One step of the walk under way: takes up to `count` entries that this consumer is not `holding`. */
  *step(count: number, holding: readonly string[]): Generator<Awaitable<unknown>, ReadEntry[], unknown> {
    const { key, consumer } = this.target;
    const { claimIdleAfterMs, maxDeliveries } = this.options;
    const request = { minIdleMs: this.minIdleMs ?? claimIdleAfterMs, count, cursor: this.cursor as string, holding, maxDeliveries };
    const result = yield* wait(this.claims.claimIdle(key, this.group, consumer, request));
    this.cursor = result.cursor === '0-0' ? undefined : result.cursor;
    if (this.cursor === undefined) this.minIdleMs = undefined;
    return result.entries;
  }
}
