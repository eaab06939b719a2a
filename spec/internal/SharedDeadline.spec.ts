import { NEVER, Observable, of, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SharedDeadline } from '../../src/internal/SharedDeadline';

const virtualTime = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A source that answers `value` at `frame` on the scheduler. */
const answerAt = <T>(scheduler: SchedulerLike, frame: number, value: T) =>
  new Observable<T>((subscriber) => {
    const action = scheduler.schedule(() => (subscriber.next(value), subscriber.complete()), frame - scheduler.now());
    return () => action.unsubscribe();
  });

describe('SharedDeadline', () => {
  it('deadline - each call that does not answer within ms rejects at its own deadline and is unsubscribed; the others get their answers', async () => {
    const scheduler = virtualTime();
    const timedOut: string[] = [];
    let unsubscribed = 0;
    const calls: Promise<unknown>[] = [];
    scheduler.run(({ flush }) => {
      const deadline = new SharedDeadline(100, scheduler);
      const silent = new Observable<string>(() => () => void unsubscribed++);
      const race = (frame: number, name: string, source: Observable<string>) =>
        scheduler.schedule(() => void calls.push(deadline.race(source, () => (timedOut.push(`${name}@${scheduler.now()}`), new Error(`${name} timed out`)))), frame);
      race(0, 'a', answerAt(scheduler, 50, 'a'));
      race(10, 'b', silent);
      race(20, 'c', answerAt(scheduler, 115, 'c'));
      race(30, 'd', answerAt(scheduler, 131, 'd'));
      flush();
    });
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message))).toEqual(['a', 'b timed out', 'c', 'd timed out']);
    expect(timedOut).toEqual(['b@110', 'd@130']);
    expect(unsubscribed).toBe(1);
  });

  it('deadline - a call times out exactly ms after it was made, on the scheduler', () => {
    const scheduler = virtualTime();
    const expired: number[] = [];
    scheduler.run(({ flush }) => {
      const deadline = new SharedDeadline(100, scheduler);
      for (const frame of [0, 10, 35]) {
        scheduler.schedule(() => void deadline.race(NEVER, () => (expired.push(scheduler.now()), new Error('late'))).catch(() => undefined), frame);
      }
      flush();
    });
    expect(expired).toEqual([100, 110, 135]);
  });

  it('deadline - a source that answers while subscribed never starts an alarm', async () => {
    let scheduled = 0;
    const scheduler = virtualTime();
    const counting: SchedulerLike = { now: () => scheduler.now(), schedule: (...args: Parameters<SchedulerLike['schedule']>) => (scheduled++, scheduler.schedule(...args)) };
    const deadline = new SharedDeadline(100, counting);
    expect(await deadline.race(of('at once'), () => new Error('never'))).toBe('at once');
    expect(scheduled).toBe(0);
  });

  it('deadline - 1000 calls waiting together share one alarm', () => {
    let scheduled = 0;
    const scheduler = virtualTime();
    const answered: number[] = [];
    scheduler.run(({ flush }) => {
      const counting: SchedulerLike = { now: () => scheduler.now(), schedule: (...args: Parameters<SchedulerLike['schedule']>) => (scheduled++, scheduler.schedule(...args)) };
      const deadline = new SharedDeadline(100, counting);
      for (let n = 0; n < 1000; n++) void deadline.race(answerAt(scheduler, 1 + (n % 50), n), () => new Error('late')).then((value) => answered.push(value));
      flush();
    });
    expect(scheduled).toBe(1);
    return Promise.resolve().then(() => expect(answered).toHaveLength(1000));
  });

  it('deadline - once every waiting call has answered, no alarm is left to keep the process alive', async () => {
    const scheduler = virtualTime();
    const alarms: { closed: boolean }[] = [];
    const counting: SchedulerLike = {
      now: () => scheduler.now(),
      schedule: (...args: Parameters<SchedulerLike['schedule']>) => {
        const alarm = scheduler.schedule(...args);
        alarms.push(alarm);
        return alarm;
      },
    };
    const deadline = new SharedDeadline(5000, counting);
    let answer: (value: string) => void = () => undefined;
    const later = new Observable<string>((subscriber) => void (answer = (value) => (subscriber.next(value), subscriber.complete())));
    const call = deadline.race(later, () => new Error('never'));
    expect(alarms.map((alarm) => alarm.closed)).toEqual([false]);
    answer('answered');
    expect(await call).toBe('answered');
    expect(alarms.map((alarm) => alarm.closed)).toEqual([true]);
  });

  it('deadline - an infinite ms waits as long as it takes, without an alarm', () => {
    let scheduled = 0;
    const scheduler = virtualTime();
    const counting: SchedulerLike = { now: () => scheduler.now(), schedule: (...args: Parameters<SchedulerLike['schedule']>) => (scheduled++, scheduler.schedule(...args)) };
    void new SharedDeadline(Infinity, counting).race(NEVER, () => new Error('never'));
    expect(scheduled).toBe(0);
  });
});
