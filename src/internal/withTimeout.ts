import { timer, type SchedulerLike } from 'rxjs';

/** Settles like `work`, or rejects with `onTimeout()` when `work` takes longer than `ms` on `scheduler`. */
export function withTimeout<R>(work: Promise<R>, ms: number, scheduler: SchedulerLike, onTimeout: () => Error): Promise<R> {
  if (!Number.isFinite(ms)) return work;
  return new Promise<R>((resolve, reject) => {
    const alarm = timer(ms, scheduler).subscribe(() => reject(onTimeout()));
    work.finally(() => alarm.unsubscribe()).then(resolve, reject);
  });
}
