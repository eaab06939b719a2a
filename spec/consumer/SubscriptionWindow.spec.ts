import { TestScheduler } from 'rxjs/testing';
import { READ_SHARES, SubscriptionWindow } from '../../src/consumer/SubscriptionWindow';

const virtualTime = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('SubscriptionWindow', () => {
  it('window - reads are sized from the room left: half the window shared by the loops with a backlog, an equal part of it for the others', () => {
    const window = new SubscriptionWindow(100, virtualTime());
    const loops = Array.from({ length: 4 }, () => ({}));
    for (const loop of loops) window.join(loop);
    expect(window.readCount(loops[0] as object, false)).toBe(12);
    expect(window.readCount(loops[0] as object, true)).toBe(50);
    expect(window.readCount(loops[1] as object, true)).toBe(25);
    // a read's entries about to be admitted, and entries that wait for room, count as taken
    expect(window.readCount(loops[1] as object, true, 80)).toBe(20);
    window.waiting(95);
    expect(window.readCount(loops[2] as object, false)).toBe(5);
    window.waiting(5);
    expect(window.readCount(loops[2] as object, false)).toBe(0);
  });

  it(`window - half the window is divided between at most ${READ_SHARES} loops: 16 loops each ask for an eighth, and none reads while what waits fills the room`, () => {
    const window = new SubscriptionWindow(1000, virtualTime());
    const loops = Array.from({ length: 16 }, () => ({}));
    for (const loop of loops) window.join(loop);
    expect(loops.map((loop) => window.readCount(loop, false))).toEqual(Array.from({ length: 16 }, () => 125));
    // as the loops come back full one after another, each asks for half the window between the backlogs there are
    expect(loops.slice(0, 5).map((loop) => window.readCount(loop, true))).toEqual([500, 250, 166, 125, 125]);
    expect(loops.map((loop) => window.readCount(loop, true))).toEqual(Array.from({ length: 16 }, () => 125));
    // two backlogs among 16 loops: half the window between them
    const twoBacklogs = new SubscriptionWindow(1000, virtualTime());
    for (const loop of loops) twoBacklogs.join(loop);
    expect([twoBacklogs.readCount(loops[0] as object, true), twoBacklogs.readCount(loops[1] as object, true), twoBacklogs.readCount(loops[2] as object, false)]).toEqual([500, 250, 125]);
    // 16 reads of 125 brought 2,000 entries: 1,000 are held, the other 1,000 wait, and no loop reads
    for (let n = 0; n < 1000; n++) window.take();
    window.waiting(1000);
    expect(loops.map((loop) => window.readCount(loop, true))).toEqual(Array.from({ length: 16 }, () => 0));
    expect(window.holding).toBe(1000);
  });

  it('window - a loop reads at least one entry while there is room, however many loops share it', () => {
    const window = new SubscriptionWindow(1, virtualTime());
    const loops = Array.from({ length: 16 }, () => ({}));
    for (const loop of loops) window.join(loop);
    expect(loops.map((loop) => window.readCount(loop, false))).toEqual(Array.from({ length: 16 }, () => 1));
    window.take();
    expect(window.room).toBe(0);
    expect(window.readCount(loops[3] as object, false)).toBe(0);
  });

  it('window - after it was full, waiting loops are woken once, when half of it is free', () => {
    const window = new SubscriptionWindow(10, virtualTime());
    const woken: number[] = [];
    for (let n = 0; n < 10; n++) window.take();
    window.whenRoom(() => woken.push(1));
    window.whenRoom(() => woken.push(2));
    for (let n = 0; n < 4; n++) window.give();
    expect({ room: window.room, woken }).toEqual({ room: 0, woken: [] });
    window.give();
    expect({ room: window.room, holding: window.holding, woken }).toEqual({ room: 5, holding: 5, woken: [1, 2] });
    window.give();
    expect(woken).toEqual([1, 2]);
  });

  it('window - after it was full, waiting loops are woken 20 ms after the first slot freed, whatever is free then', () => {
    const scheduler = virtualTime();
    scheduler.run(({ flush }) => {
      const window = new SubscriptionWindow(10, scheduler);
      const woken: number[] = [];
      for (let n = 0; n < 10; n++) window.take();
      window.whenRoom(() => woken.push(scheduler.now()));
      scheduler.schedule(() => window.give(), 5);
      scheduler.schedule(() => window.give(), 15);
      flush();
      expect({ woken, room: window.room }).toEqual({ woken: [25], room: 2 });
    });
  });

  it('window - waiting entries that leave without being held wake the loops waiting for room; entries admitted in their place do not', () => {
    const window = new SubscriptionWindow(10, virtualTime());
    const loop = {};
    window.join(loop);
    const woken: string[] = [];
    window.waiting(10);
    expect(window.readCount(loop, true)).toBe(0);
    window.whenRoom(() => woken.push('first'));
    // 4 of them admitted (held): as much room as before beyond the wait
    window.waiting(-4);
    for (let n = 0; n < 4; n++) window.take();
    window.wakeIfRoom();
    expect(woken).toEqual([]);
    // the other 6 handed back: room beyond the wait, and nothing held was settled
    window.waiting(-6);
    window.wakeIfRoom();
    expect(woken).toEqual(['first']);
    expect(window.readCount(loop, true)).toBe(5);
  });

  it('window - a cancelled wait is not woken, and a window with room wakes its waiters at the next settlement', () => {
    const window = new SubscriptionWindow(4, virtualTime());
    const woken: string[] = [];
    window.take();
    window.take();
    const cancel = window.whenRoom(() => woken.push('cancelled'));
    window.whenRoom(() => woken.push('kept'));
    cancel();
    window.give();
    expect(woken).toEqual(['kept']);
  });
});
