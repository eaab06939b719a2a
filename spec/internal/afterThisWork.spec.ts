import { timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterThisWork } from '../../src/internal/afterThisWork';

describe('afterThisWork', () => {
  it('afterThisWork - runs the work in a microtask: after the synchronous work, before a microtask queued later and before any timer', async () => {
    const seen: string[] = [];
    setTimeout(() => seen.push('timer'), 0);
    afterThisWork(() => seen.push('work'));
    void Promise.resolve().then(() => seen.push('later microtask'));
    seen.push('synchronous');
    expect(seen).toEqual(['synchronous']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).toEqual(['synchronous', 'work', 'later microtask', 'timer']);
  });

  it('afterThisWork - under TestScheduler.run, runs the work in the same virtual frame, within the run', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const seen: [string, number][] = [];
    testScheduler.run(({ flush }) => {
      timer(3).subscribe(() => afterThisWork(() => seen.push(['work', testScheduler.now()])));
      afterThisWork(() => seen.push(['first', testScheduler.now()]));
      expect(seen).toEqual([]);
      flush();
      expect(seen).toEqual([
        ['first', 0],
        ['work', 3],
      ]);
    });
  });
});
