import { VirtualTimeScheduler } from 'rxjs';
import { ReadDeadline } from '../../../src/transport/redis/ReadDeadline';

/** A deadline on a virtual clock, recording when it says a read was lost and how many checks it scheduled. */
function watched() {
  const scheduler = new VirtualTimeScheduler();
  const schedule = jest.spyOn(scheduler, 'schedule');
  const lostAt: number[] = [];
  const deadline = new ReadDeadline(scheduler, () => lostAt.push(scheduler.now()));
  /** Runs the clock up to `time` (inclusive): what is due by then runs, and the clock reads `time`. */
  const runTo = (time: number) => {
    scheduler.maxFrames = time;
    scheduler.flush();
    scheduler.frame = time;
  };
  return { scheduler, schedule, lostAt, deadline, runTo };
}

describe('ReadDeadline', () => {
  it('a read not answered by its deadline is lost then, once', () => {
    const { lostAt, deadline, runTo } = watched();
    deadline.start(3500);
    runTo(3499);
    expect(lostAt).toEqual([]);
    runTo(10_000);
    expect(lostAt).toEqual([3500]);
  });

  it('reads answered in time schedule one check between them, not one each, and none is lost', () => {
    const { schedule, lostAt, deadline, runTo } = watched();
    for (let read = 0; read < 100; read++) {
      runTo(read * 10);
      deadline.start(3500);
      deadline.stop();
    }
    expect(schedule).toHaveBeenCalledTimes(1);
    runTo(20_000);
    expect(lostAt).toEqual([]);
    expect(schedule).toHaveBeenCalledTimes(1);
  });

  it('a check that comes due during a later read waits for that read, which is lost at its own deadline', () => {
    const { schedule, lostAt, deadline, runTo } = watched();
    deadline.start(3500); // due at 3500
    runTo(1000);
    deadline.stop();
    deadline.start(3500); // this read's deadline: 4500
    runTo(4499);
    expect(lostAt).toEqual([]);
    runTo(10_000);
    expect(lostAt).toEqual([4500]);
    expect(schedule).toHaveBeenCalledTimes(2);
  });

  it('a read with an earlier deadline than the check waits for brings the check forward', () => {
    const { lostAt, deadline, runTo } = watched();
    deadline.start(3500);
    deadline.stop();
    deadline.start(1500);
    runTo(10_000);
    expect(lostAt).toEqual([1500]);
  });

  it('close ends the watch: a read under way is never told lost', () => {
    const { lostAt, deadline, runTo } = watched();
    deadline.start(3500);
    deadline.close();
    runTo(10_000);
    expect(lostAt).toEqual([]);
  });
});
