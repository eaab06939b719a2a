import { TestScheduler } from 'rxjs/testing';
import { LONG_GAP, renderMarbles, type MarbleEvent } from '../../../../src/tools/testing/internal/renderMarbles';

/** The events of a run-mode diagram (parsed inside `run()`, where a frame is 1 ms): what `renderMarbles` must give back. */
function eventsOf(marbles: string): MarbleEvent[] {
  const messages = new TestScheduler(() => undefined).run(() => TestScheduler.parseMarbles(marbles, undefined, undefined, false, true));
  return messages.map(({ frame, notification }) => ({
    frame,
    char: notification.kind === 'N' ? String(notification.value) : notification.kind === 'C' ? '|' : '#',
  }));
}

describe('renderMarbles', () => {
  it.each([
    ['a', 'a'],
    ['---a-(bc)', '---a-(bc)'],
    ['-a-b-c|', '-a-b-c|'],
    ['(ab)c-d#', '(ab)c-d#'],
    ['--(abc|)', '--(abc|)'],
    ['5000ms a', '5000ms a'],
    ['-a 4999ms (bc) 20ms |', '-a 4999ms (bc) 20ms |'],
    ['-a 5ms b', '-a-----b'],
    [`a${'-'.repeat(LONG_GAP)}b`, `a ${LONG_GAP}ms b`],
    [`a${'-'.repeat(LONG_GAP - 1)}b`, `a${'-'.repeat(LONG_GAP - 1)}b`],
  ])('renderMarbles - %p is written as %p, which parses back to the same frames', (written, rendered) => {
    const events = eventsOf(written);
    const result = renderMarbles(events);
    expect(result.marbles).toBe(rendered);
    expect(result.faithful).toBe(true);
    expect(eventsOf(result.marbles)).toEqual(events);
  });

  it('renderMarbles - an event inside the span of a group is not placeable: faithful is false, byFrame is exact', () => {
    const result = renderMarbles([
      { frame: 1, char: 'a' },
      { frame: 1, char: 'b' },
      { frame: 2, char: 'c' },
    ]);
    expect(result).toEqual({ marbles: '-(ab)c', faithful: false, byFrame: '1:(ab) 2:c' });
  });

  it('renderMarbles - without progressions (outside run mode), long gaps stay dashes', () => {
    expect(renderMarbles([{ frame: 25, char: 'a' }], false).marbles).toBe(`${'-'.repeat(25)}a`);
  });
});
