import { throwError, timeout, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/** Settles like `work`, or rejects with `onTimeout()` when `work` takes longer than `ms` on `scheduler`. */
export function withTimeout<R>(work: Promise<R>, ms: number, scheduler: SchedulerLike, onTimeout: () => Error): Promise<R> {
  if (!Number.isFinite(ms)) return work;
  return new Promise<R>((resolve, reject) => {
    const alarm = timer(ms, scheduler).subscribe(() => reject(onTimeout()));
    work.finally(() => alarm.unsubscribe()).then(resolve, reject);
  });
}

/** Errors with `onTimeout()` when the source has not emitted within `ms` on `scheduler`; an infinite `ms` waits as long as it takes. */
export function timeoutAfter<R>(ms: number, scheduler: SchedulerLike, onTimeout: () => Error): MonoTypeOperatorFunction<R> {
  return (source) => (Number.isFinite(ms) ? source.pipe(timeout({ first: ms, scheduler, with: () => throwError(onTimeout) })) : source);
}
