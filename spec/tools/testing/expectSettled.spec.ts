import { delay, mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createTestScheduler, expectAcks, expectDeadLetters, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';
import type { Delivery } from 'rx-redis-events';
import { failureOf } from './failureOf';

const VALUES = { a: 1, b: 2, c: 3 };

/** Settles each delivery `wait[id]` frames after it arrives: acks, or nacks with `nack[id]` as delay. */
function settleLater(wait: Record<string, number>, nack: Record<string, number> = {}) {
  return (d: Delivery<number>) => {
    const delayMs = nack[d.id];
    return of(d).pipe(delay(wait[d.id] ?? 0)).subscribe(() => void (delayMs === undefined ? d.ack() : d.nack({ delayMs })));
  };
}

describe('expectAcks', () => {
  it('expectAcks - passes when the acks happen at the frames of the diagram, groups and time progressions included', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c|', VALUES);
      source.subscribe(settleLater({ a: 2, b: 0, c: 4999 }));
      expectAcks(source).toBe('---(ab) 4997ms c'); // (ab) takes frames 3 to 6; c is acked at 5 + 4999
    });
  });

  it('expectAcks - sees acks made in the current frame before it was set up', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, 'a', VALUES);
      void source.deliveries.a.ack();
      expectAcks(source).toBe('a');
    });
  });

  it('expectAcks - fails with aligned diagrams when an ack is late', () => {
    const message = failureOf(() =>
      createTestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, '---a--(bc)|', VALUES);
        source.subscribe((d) => void d.ack());
        expectAcks(source).toBe('---a-(bc)');
      }),
    );
    expect(message).toBe(['acks differ', '  expected: ---a-(bc)', '  actual:   ---a--(bc)'].join('\n'));
  });

  it('expectAcks - fails when a delivery was nacked instead, or after a long wait', () => {
    const nacked = failureOf(() =>
      createTestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, '-a-b|', VALUES);
        source.subscribe(settleLater({}, { b: 10 }));
        expectAcks(source).toBe('-a-b');
      }),
    );
    expect(nacked).toBe(['acks differ', '  expected: -a-b', '  actual:   -a'].join('\n'));
    const late = failureOf(() =>
      createTestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, 'a|', VALUES);
        source.subscribe(settleLater({ a: 5001 }));
        expectAcks(source).toBe('5000ms a');
      }),
    );
    expect(late).toBe(['acks differ', '  expected: 5000ms a', '  actual:   5001ms a'].join('\n'));
  });

  it('expectAcks - lists the acks by frame when a diagram cannot place them (an ack inside a group\'s span)', () => {
    const message = failureOf(() =>
      createTestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, '-a-b-c|', VALUES);
        source.subscribe(settleLater({ a: 2, c: 0 }));
        expectAcks(source).toBe('---(ab)');
      }),
    );
    expect(message).toBe(['acks differ', '  expected: ---(ab)', '  actual:   ---(ab)c', '  expected by frame: 3:(ab)', '  actual by frame:   3:(ab) 5:c'].join('\n'));
  });

  it('expectAcks - a stream not made by fakeDeliveries is a TypeError', () => {
    new TestScheduler(() => undefined).run(({ cold }) => {
      expect(() => expectAcks(cold('-a|') as never)).toThrow(new TypeError('rx-redis-events/testing: expectAcks, expectNacks and expectDeadLetters need a stream made by fakeDeliveries'));
    });
  });
});

describe('expectNacks', () => {
  it('expectNacks - compares the frames, and the delays of the letters listed in delays', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c|', VALUES);
      source.subscribe(settleLater({ c: 1 }, { a: 100, b: 0, c: 2500 }));
      expectNacks(source).toBe('-a-b--c');
      expectNacks(source).toBe('-a-b--c', { a: 100, c: 2500 });
      expectAcks(source).toBe('');
    });
  });

  it('expectNacks - fails showing the delays beside each diagram when a delay differs', () => {
    const message = failureOf(() =>
      createTestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, '-a-b|', VALUES);
        source.subscribe(settleLater({}, { a: 250, b: 250 }));
        expectNacks(source).toBe('-a-b', { a: 250, b: 1000 });
      }),
    );
    expect(message).toBe(['nacks differ', '  expected: -a-b  delays: a=250ms b=1000ms', '  actual:   -a-b  delays: a=250ms b=250ms'].join('\n'));
  });

  it('expectNacks - fails with aligned diagrams and delays when frames differ too', () => {
    const message = failureOf(() =>
      createTestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, '-a-b|', VALUES);
        source.pipe(mergeMap((d) => of(d).pipe(delay(d.id === 'b' ? 3 : 0)))).subscribe((d) => void d.nack({ delayMs: 500 }));
        expectNacks(source).toBe('-a-b', { a: 500, b: 500 });
      }),
    );
    expect(message).toBe(['nacks differ', '  expected: -a-b     delays: a=500ms b=500ms', '  actual:   -a----b  delays: a=500ms b=500ms'].join('\n'));
  });
});

describe('expectDeadLetters', () => {
  it('expectDeadLetters - compares the frames, and the reasons of the letters listed in reasons', () => {
    createTestScheduler().run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c|', VALUES);
      source.subscribe((d) => void (d.id === 'a' ? d.deadLetter('invalid') : d.id === 'b' ? d.deadLetter() : d.ack()));
      expectDeadLetters(source).toBe('-a-b');
      expectDeadLetters(source).toBe('-a-b', { a: 'invalid', b: undefined });
      expectAcks(source).toBe('-----c');
      expectNacks(source).toBe('');
    });
  });

  it('expectDeadLetters - fails showing the reasons beside each diagram when a reason differs', () => {
    const message = failureOf(() =>
      createTestScheduler().run((helpers) => {
        const source = fakeDeliveries(helpers, '-a-b|', VALUES);
        source.subscribe((d) => void d.deadLetter(d.id === 'a' ? 'invalid' : 'deleted'));
        expectDeadLetters(source).toBe('-a-b', { a: 'invalid', b: 'gone' });
      }),
    );
    expect(message).toBe(['dead letters differ', '  expected: -a-b  reasons: a="invalid" b="gone"', '  actual:   -a-b  reasons: a="invalid" b="deleted"'].join('\n'));
  });

  it('expectDeadLetters - a stream not made by fakeDeliveries is a TypeError', () => {
    createTestScheduler().run((helpers) => {
      expect(() => expectDeadLetters(helpers.cold('a') as never)).toThrow('expectAcks, expectNacks and expectDeadLetters need a stream made by fakeDeliveries');
    });
  });
});
