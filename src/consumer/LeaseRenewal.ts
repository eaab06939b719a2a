import { timer, type Subscription } from 'rxjs';
import type { ResolvedConsumeOptions } from './consumeOptions';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import type { EntryRenewal } from '../transport/StreamTransport';
import type { InFlight } from './InFlight';

/** Renewals per `claimIdleAfterMs`: a live consumer renews several times before an entry it holds could be claimed. */
const RENEWALS_PER_CLAIM_IDLE = 3;

/**
 * Keeps the entries one consumer holds from going idle: every `claimIdleAfterMs / 3` (on the
 * scheduler), one renewal (`XCLAIM … JUSTID` in a script on Redis) for every held id, so no other
 * consumer takes over an event that is being handled, however long its handler runs. A delivery
 * with its handler for longer than `maxHandlingMs` is reported stuck (`consumer.stuck`) and left
 * out from then on. A consumer that dies stops renewing, and its entries go idle as before.
 */
export class LeaseRenewal<T> {
  /** The backend's renewal, when it has one: without, nothing is renewed (nor, on such a backend, claimed). */
  private readonly renewal: EntryRenewal | undefined;
  private timer: Subscription | undefined;
  private renewing = false;
  /** The loop stopped reading: renewal ends once nothing is left to renew. */
  private finishing = false;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly inFlight: InFlight<T>,
  ) {
    this.renewal = ctx.transport.capabilities.renewal;
  }

  /** Starts renewing; nothing to do when `claimIdleAfterMs` is `Infinity` (nobody claims) or the backend cannot renew. Idempotent. */
  start(): void {
    const { claimIdleAfterMs, scheduler } = this.options;
    if (this.timer || !Number.isFinite(claimIdleAfterMs) || !this.renewal) return;
    const period = Math.max(1, Math.floor(claimIdleAfterMs / RENEWALS_PER_CLAIM_IDLE));
    this.timer = timer(period, period, scheduler).subscribe(() => this.renew());
  }

  /** Renews what is still held (deliveries with their handler after the loop stopped) until nothing is left to renew, then stops. */
  finish(): void {
    this.finishing = true;
  }

  /** Stops renewing: what is still held goes idle and is taken over after `claimIdleAfterMs`. Idempotent. */
  stop(): void {
    this.timer?.unsubscribe();
  }

  private renew(): void {
    const { renew, stuck } = this.inFlight.leases(this.options.scheduler.now());
    const { instrument, group, report } = this.ctx;
    const { renewal } = this;
    const { stream, key, consumer } = this.target;
    if (instrument.on) for (const { id, handlingMs } of stuck) instrument.emit({ type: 'consumer.stuck', stream: stream.name, consumer, id, handlingMs });
    if (renew.length === 0) return this.finishing ? this.stop() : undefined;
    if (this.renewing || !renewal) return; // the previous renewal is still on its way
    this.renewing = true;
    // an Observable: a backend that answers at once has renewed when subscribe returns, also in virtual time
    renewal.renew(key, group, consumer, renew).subscribe({
      error: (error: unknown) => {
        this.renewing = false;
        report(error);
      },
      complete: () => (this.renewing = false),
    });
  }
}
