import { EmptyError, EMPTY, NEVER, Observable, of, Subject, throwError, VirtualTimeScheduler } from 'rxjs';
import { CallDeadlines } from '../../src/internal/CallDeadlines';

/** A scheduler that counts the tasks scheduled on it. */
function countingScheduler(): { scheduler: VirtualTimeScheduler; scheduled: () => number } {
  const scheduler = new VirtualTimeScheduler();
  let count = 0;
  const schedule = scheduler.schedule.bind(scheduler);
  scheduler.schedule = ((...args: Parameters<typeof schedule>) => {
    count++;
    return schedule(...args);
  }) as typeof scheduler.schedule;
  return { scheduler, scheduled: () => count };
}

const timedOut = () => new Error('timed out');

/** Settles `promise` into what it answered, or the message it failed with, without an unhandled rejection. */
function outcome<R>(promise: Promise<R>): { value?: R; error?: string } {
  const seen: { value?: R; error?: string } = {};
  promise.then(
    (value) => (seen.value = value),
    (error: unknown) => (seen.error = error instanceof Error ? error.message : String(error)),
  );
  return seen;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CallDeadlines', () => {
  it('CallDeadlines - a call not answered within the timeout fails at exactly its deadline, and its source is unsubscribed', async () => {
    const { scheduler } = countingScheduler();
    const deadlines = new CallDeadlines(1000, scheduler);
    let unsubscribed = false;
    const seen = outcome(deadlines.firstWithin(new Observable<string>(() => () => (unsubscribed = true)), timedOut));
    scheduler.maxFrames = 999;
    scheduler.flush();
    await settle();
    expect({ seen, unsubscribed, now: scheduler.now() }).toStrictEqual({ seen: {}, unsubscribed: false, now: 0 });
    scheduler.maxFrames = Infinity;
    scheduler.flush();
    await settle();
    expect({ seen, unsubscribed, now: scheduler.now() }).toStrictEqual({ seen: { error: 'timed out' }, unsubscribed: true, now: 1000 });
  });

  it('CallDeadlines - 100 calls answered in time schedule 1 check; it finds none left and schedules no other', async () => {
    const { scheduler, scheduled } = countingScheduler();
    const deadlines = new CallDeadlines(1000, scheduler);
    const answers = Array.from({ length: 100 }, () => new Subject<number>());
    const seen = answers.map((answer) => outcome(deadlines.firstWithin(answer, timedOut)));
    answers.forEach((answer, index) => answer.next(index));
    scheduler.flush();
    await settle();
    expect({ values: seen.map((each) => each.value), scheduled: scheduled(), now: scheduler.now() }).toStrictEqual({ values: Array.from({ length: 100 }, (_, index) => index), scheduled: 1, now: 1000 });
  });

  it('CallDeadlines - a check that comes due while a later call is under way waits for that call\'s deadline', async () => {
    const { scheduler, scheduled } = countingScheduler();
    const deadlines = new CallDeadlines(1000, scheduler);
    const first = new Subject<string>();
    const firstSeen = outcome(deadlines.firstWithin(first, timedOut));
    scheduler.schedule(() => {
      first.next('first');
      laterSeen.push(outcome(deadlines.firstWithin(NEVER, timedOut)));
    }, 600);
    const laterSeen: { value?: unknown; error?: string }[] = [];
    scheduler.flush();
    await settle();
    // the call started at 600 fails at 1600: the check due at 1000 scheduled itself again (3 tasks with the spec's own at 600)
    expect({ firstSeen, laterSeen, now: scheduler.now(), scheduled: scheduled() }).toStrictEqual({ firstSeen: { value: 'first' }, laterSeen: [{ error: 'timed out' }], now: 1600, scheduled: 3 });
  });

  it('CallDeadlines - a call answered while it is subscribed is not watched; an error or an empty answer fails it', async () => {
    const { scheduler, scheduled } = countingScheduler();
    const deadlines = new CallDeadlines(1000, scheduler);
    const seen = [outcome(deadlines.firstWithin(of('at once'), timedOut)), outcome(deadlines.firstWithin(throwError(() => new Error('refused')), timedOut)), outcome(deadlines.firstWithin(EMPTY, timedOut))];
    await settle();
    expect({ seen, scheduled: scheduled() }).toStrictEqual({ seen: [{ value: 'at once' }, { error: 'refused' }, { error: new EmptyError().message }], scheduled: 0 });
  });

  it('CallDeadlines - an infinite timeout watches nothing', async () => {
    const { scheduler, scheduled } = countingScheduler();
    const forever = outcome(new CallDeadlines(Infinity, scheduler).firstWithin(NEVER, timedOut));
    scheduler.flush();
    await settle();
    expect({ forever, scheduled: scheduled() }).toStrictEqual({ forever: {}, scheduled: 0 });
  });

  it('CallDeadlines - once closed, a call under way or made later still times out, and no check stays scheduled while none is under way', async () => {
    const { scheduler } = countingScheduler();
    const deadlines = new CallDeadlines(1000, scheduler);
    const answered = new Subject<string>();
    const first = outcome(deadlines.firstWithin(answered, timedOut));
    const underWay = outcome(deadlines.firstWithin(NEVER, timedOut));
    deadlines.close();
    answered.next('answered');
    expect(scheduler.actions.length).toBe(1);
    scheduler.flush();
    await settle();
    expect({ first, underWay, now: scheduler.now(), left: scheduler.actions.length }).toStrictEqual({ first: { value: 'answered' }, underWay: { error: 'timed out' }, now: 1000, left: 0 });
    const idle = new CallDeadlines(1000, scheduler);
    const done = new Subject<string>();
    const doneSeen = outcome(idle.firstWithin(done, timedOut));
    done.next('done');
    idle.close();
    expect(scheduler.actions.length).toBe(0);
    const later = outcome(idle.firstWithin(NEVER, timedOut));
    scheduler.flush();
    await settle();
    expect({ doneSeen, later, now: scheduler.now() }).toStrictEqual({ doneSeen: { value: 'done' }, later: { error: 'timed out' }, now: 2000 });
  });
});
