import { map, merge } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createTestScheduler } from 'rx-redis-events/testing';
import { failureOf } from './failureOf';

const lines = (...text: string[]) => text.join('\n');

describe('createTestScheduler', () => {
  it('createTestScheduler - is a TestScheduler whose passing assertions stay silent', () => {
    const testScheduler = createTestScheduler();
    expect(testScheduler).toBeInstanceOf(TestScheduler);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b|', { a: 1, b: 2 });
      expectObservable(source.pipe(map((n) => ({ n: n * 10 })))).toBe('-x-y|', { x: { n: 10 }, y: { n: 20 } });
      expectObservable(source).toEqual(cold('-a-b|', { a: 1, b: 2 }));
      expectSubscriptions(source.subscriptions).toBe(['^---!', '^---!']);
    });
  });

  it('createTestScheduler - an expectObservable mismatch names values by their letters, unknown ones as ? with their JSON', () => {
    const message = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        const result = cold('-a-b--c|', { a: 1, b: 2, c: 3 }).pipe(map((n) => ({ n: n * 10 })));
        expectObservable(result).toBe('-x-y-z|', { x: { n: 10 }, y: { n: 20 }, z: { n: 30 } });
      }),
    );
    expect(message).toBe(lines('observable differs', '  expected: -x-y-z|', '  actual:   -x-y--z|'));
    const unknown = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-a-b 5000ms c|', { a: 1, b: 2, c: 4 })).toBe('-a-b 5000ms c|', { a: 1, b: 2, c: 3 });
      }),
    );
    expect(unknown).toBe(lines('observable differs', '  expected: -a-b 5000ms c|', '  actual:   -a-b 5000ms ?|', '  ? at frame 5004: 4', '  c = 3'));
  });

  it('createTestScheduler - deep equality is strict: types, prototypes and undefined properties count', () => {
    const message = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-a-b|', { a: { id: 1 }, b: { id: 2, extra: undefined } })).toBe('-a-b|', { a: { id: '1' }, b: { id: 2 } });
      }),
    );
    expect(message).toBe(lines('observable differs', '  expected: -a-b|', '  actual:   -?-?|', '  ? at frame 1: {"id":1}', '  ? at frame 3: {"id":2,"extra":undefined}', '  a = {"id":"1"}', '  b = {"id":2}'));
  });

  it('createTestScheduler - an error mismatch shows both errors; a missing completion shows in the diagram', () => {
    const wrongError = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-a-#', undefined, new Error('bang'))).toBe('-a-#', undefined, new Error('boom'));
      }),
    );
    expect(wrongError).toBe(lines('observable differs', '  expected: -a-#', '  actual:   -a-#', '  expected error: Error: boom', '  actual error:   Error: bang'));
    const unexpectedError = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-a-#', undefined, new TypeError('bad'))).toBe('-a--');
      }),
    );
    expect(unexpectedError).toBe(lines('observable differs', '  expected: -a', '  actual:   -a-#', '  actual error: TypeError: bad'));
  });

  it('createTestScheduler - a toEqual mismatch names the expected values a, b… in order', () => {
    const message = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-a-b|', { a: 1, b: 2 })).toEqual(cold('-a-b-|', { a: 1, b: 3 }));
      }),
    );
    expect(message).toBe(lines('observable differs', '  expected: -a-b-|', '  actual:   -a-?|', '  ? at frame 3: 2', '  b = 3'));
  });

  it('createTestScheduler - events that no diagram can place (inside a group\'s span) are also listed by frame', () => {
    const message = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable }) => {
        const source = cold('-a-b|');
        expectObservable(merge(source, source)).toBe('-(aa)-(bb|)');
      }),
    );
    expect(message).toBe(lines('observable differs', '  expected: -(aa)-(bb|)', '  actual:   -(aa)(bb)|', '  expected by frame: 1:(aa) 6:(bb|)', '  actual by frame:   1:(aa) 3:(bb) 4:|'));
  });

  it('createTestScheduler - a subscriptions mismatch shows one diagram per subscription', () => {
    const message = failureOf(() =>
      createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b|');
        expectObservable(source).toBe('-a-b|');
        expectObservable(source, '--^ 30ms !').toBe('---a-b|');
        expectSubscriptions(source.subscriptions).toBe(['^---!', '-^---!']);
      }),
    );
    expect(message).toBe(lines('subscriptions differ', '  expected: ^---!', '            -^---!', '  actual:   ^---!', '            --^---!'));
  });

  it('createTestScheduler - outside run mode, frames are counted in frameTimeFactor units', () => {
    const testScheduler = createTestScheduler();
    testScheduler.expectObservable(testScheduler.createColdObservable('-a-b|')).toBe('-a--b|');
    expect(failureOf(() => testScheduler.flush())).toBe(lines('observable differs', '  expected: -a--b|', '  actual:   -a-b|'));
  });
});
