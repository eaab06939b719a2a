import { TestScheduler } from 'rxjs/testing';
import { Redelivery } from '../../src/consumer/Redelivery';

const virtualTime = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('Redelivery', () => {
  it('redelivery - a nacked entry is due after its delay, in the order the delays end, and the loop is told each time', () => {
    const scheduler = virtualTime();
    const told: number[] = [];
    const taken: Record<number, string[]> = {};
    scheduler.run(() => {
      const redelivery = new Redelivery(scheduler, () => told.push(scheduler.now()));
      redelivery.schedule('1-0', 30);
      redelivery.schedule('2-0', 10);
      redelivery.schedule('3-0', 10);
      for (const frame of [9, 10, 29, 30]) scheduler.schedule(() => (taken[frame] = redelivery.takeDue()), frame);
    });
    expect(told).toEqual([10, 10, 30]);
    expect(taken).toEqual({ 9: [], 10: ['2-0', '3-0'], 29: [], 30: ['1-0'] });
  });

  it('redelivery - release cancels the timers and forgets what was due', () => {
    const scheduler = virtualTime();
    const told: number[] = [];
    let takenAfter: string[] | undefined;
    let released: boolean[] = [];
    scheduler.run(() => {
      const redelivery = new Redelivery(scheduler, () => told.push(scheduler.now()));
      redelivery.schedule('1-0', 5);
      redelivery.schedule('2-0', 20);
      scheduler.schedule(() => {
        released = [redelivery.released];
        redelivery.release();
        released.push(redelivery.released);
      }, 10);
      scheduler.schedule(() => (takenAfter = redelivery.takeDue()), 30);
    });
    expect({ told, takenAfter, released }).toEqual({ told: [5], takenAfter: [], released: [false, true] });
  });
});
