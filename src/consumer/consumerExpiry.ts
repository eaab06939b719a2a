import { concat, Subscription, timer, type SchedulerLike } from 'rxjs';
import { scheduleWakeKeyOf } from '../partitions/streamLayout';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';

/** Sweeps per `consumerExpiryMs`. */
const SWEEPS_PER_EXPIRY = 2;

/**
 * Every `consumerExpiryMs / 2` (on `scheduler`), removes the consumers of the loop's group on its
 * stream that hold no pending entry and have been idle for more than `consumerExpiryMs`: consumers
 * of instances that are gone (those that died holding entries once the claim walk has taken them
 * over). The loop's own consumer is kept. The same is done on the partition's wake stream of
 * scheduled events, which every consumer reads. A failure is reported; the next sweep tries again.
 * Unsubscribe the result to stop.
 */
export function expireIdleConsumers<T>(ctx: ConsumerContext, target: ConsumerTarget<T>, scheduler: SchedulerLike): Subscription {
  const { consumerExpiryMs, transport, group, report } = ctx;
  const hygiene = transport.capabilities.hygiene;
  const period = Math.max(1, Math.floor(consumerExpiryMs / SWEEPS_PER_EXPIRY));
  let sweeping = false;
  if (!hygiene) return Subscription.EMPTY; // a backend without it keeps its consumers
  return timer(period, period, scheduler).subscribe(() => {
    if (sweeping) return;
    sweeping = true;
    const keep = [target.consumer];
    const sweeps = [target.key, scheduleWakeKeyOf(target.key)].map((key) => hygiene.expireConsumers(key, group, consumerExpiryMs, keep));
    concat(...sweeps).subscribe({
      error: (error: unknown) => {
        sweeping = false;
        report(error);
      },
      complete: () => (sweeping = false),
    });
  });
}
