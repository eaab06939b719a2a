import { TestScheduler } from 'rxjs/testing';
import { NewEntries } from '../../src/consumer/NewEntries';
import { SubscriptionWindow } from '../../src/consumer/SubscriptionWindow';
import { runCoroutine } from '../../src/internal/coroutine';
import type { ReadAnswer, ReadEntry, StreamReader } from '../../src/transport/StreamTransport';

/** A read the spec answers by hand: its count, and the callbacks the loop gave. */
interface HeldRead {
  readonly count: number;
  readonly blockMs: number;
  readonly answered: ReadAnswer;
  readonly arrived: ReadAnswer | undefined;
}

/** A reader that keeps every request for the spec to answer. */
function handReader(): StreamReader & { readonly reads: HeldRead[] } {
  const reads: HeldRead[] = [];
  return {
    reads,
    request: (count, blockMs, answered, _failed, arrived) => (reads.push({ count, blockMs, answered, arrived }), () => undefined),
    interrupt: () => undefined,
    close: () => Promise.resolve(),
  };
}

const entries = (count: number): ReadEntry[] => Array.from({ length: count }, (_, index) => ({ id: `${index + 1}-0`, fields: {}, deliveryCount: 1 }));

/**
 * One loop's reads through a window of 100, each blocking for what `blockMs` answers then (1000 ms
 * unless given); `take` runs `read(10)` (or takes the read sent ahead) and records what it got.
 */
function oneLoop(blockMs = () => 1000) {
  const reader = handReader();
  const window = new SubscriptionWindow(100, new TestScheduler(() => undefined));
  const loop = {};
  window.join(loop);
  const reads = new NewEntries(reader, window, loop, blockMs, () => false);
  const taken: number[] = [];
  const take = () =>
    runCoroutine(
      (function* () {
        taken.push((yield* reads.hasAhead ? reads.takeAhead() : reads.read(10)).length);
      })(),
      (error) => {
        throw error;
      },
    );
  return { reader, reads, taken, take };
}

describe('NewEntries', () => {
  it('new entries - a read that got all the shared read asked for is a backlog, although fewer than the loop asked for: the next read is sent when the entries arrive, before the loop has them', () => {
    const { reader, reads, taken, take } = oneLoop();
    take();
    const first = reader.reads[0] as HeldRead;
    first.arrived?.(entries(5), true);
    // half the window (50) for the one loop with a backlog
    expect({ counts: reader.reads.map((read) => read.count), ahead: reads.hasAhead, taken }).toEqual({ counts: [10, 50], ahead: true, taken: [] });
    first.answered(entries(5), true);
    expect({ counts: reader.reads.map((read) => read.count), taken }).toEqual({ counts: [10, 50], taken: [5] });
    take(); // takes the read sent ahead, which has not come yet
    const second = reader.reads[1] as HeldRead;
    second.arrived?.(entries(50), true);
    second.answered(entries(50), true);
    expect({ counts: reader.reads.map((read) => read.count), taken }).toEqual({ counts: [10, 50, 50], taken: [5, 50] });
  });

  it('new entries - a read that got fewer than the shared read asked for is no backlog: nothing is sent ahead, and the next read asks for the share of a loop without one', () => {
    const { reader, reads, taken, take } = oneLoop();
    take();
    const first = reader.reads[0] as HeldRead;
    first.arrived?.(entries(5), false);
    first.answered(entries(5), false);
    expect({ counts: reader.reads.map((read) => read.count), ahead: reads.hasAhead, taken, next: reads.count(false) }).toEqual({ counts: [10], ahead: false, taken: [5], next: 50 });
  });

  it('new entries - a read answered without `arrived` is looked at when the loop takes it: the read ahead is sent then', () => {
    const { reader, reads, taken, take } = oneLoop();
    take();
    (reader.reads[0] as HeldRead).answered(entries(10), true);
    expect({ counts: reader.reads.map((read) => read.count), ahead: reads.hasAhead, taken }).toEqual({ counts: [10, 50], ahead: true, taken: [10] });
  });

  it('new entries - each read blocks for what `blockMs` answers when it is sent; at 0 no read is sent, ahead or not, and a read answers nothing at once', () => {
    let blockMs = 700;
    const { reader, reads, taken, take } = oneLoop(() => blockMs);
    take();
    const first = reader.reads[0] as HeldRead;
    blockMs = 300;
    first.answered(entries(10), true); // a backlog: the next read is sent ahead, with the block of now
    blockMs = 0;
    take(); // the read sent ahead is taken; its own answer would send none ahead now
    (reader.reads[1] as HeldRead).answered(entries(50), true);
    take();
    expect({ reads: reader.reads.map(({ count, blockMs }) => ({ count, blockMs })), ahead: reads.hasAhead, taken }).toEqual({
      reads: [
        { count: 10, blockMs: 700 },
        { count: 50, blockMs: 300 },
      ],
      ahead: false,
      taken: [10, 50, 0],
    });
  });
});
