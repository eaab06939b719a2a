import { runInThisContext } from 'node:vm';
import { TestScheduler } from 'rxjs/testing';
import { autoAck } from '../../src/operators/autoAck';
import { fakeDeliveries } from '../support/fakeDeliveries';

const VALUES = { a: 1, b: 2, c: 3 };

/** Records unhandled rejections on the host process (Jest gives each test file a copy of `process`). */
function watchUnhandledRejections(): { readonly reasons: unknown[]; stop(): void } {
  const host = runInThisContext('process') as NodeJS.Process;
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  host.on('unhandledRejection', listener);
  return { reasons, stop: () => host.off('unhandledRejection', listener) };
}

describe('autoAck', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toStrictEqual(expected));
  });

  it('autoAck - acks each delivery once as it passes and emits it unchanged', () => {
    const fake = fakeDeliveries({ clock: testScheduler });
    const d = fake.of(VALUES);
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b-c|', d).pipe(autoAck())).toBe('-a-b-c|', d);
    });
    expect(fake.calls).toStrictEqual([
      { op: 'ack', id: 'a', frame: 1 },
      { op: 'ack', id: 'b', frame: 3 },
      { op: 'ack', id: 'c', frame: 5 },
    ]);
  });

  it('autoAck - a rejected ack neither errors the stream nor leaves an unhandled rejection', async () => {
    const fake = fakeDeliveries({ clock: testScheduler, settle: () => Promise.reject(new Error('broker down')) });
    const d = fake.of(VALUES);
    const unhandled = watchUnhandledRejections();
    try {
      testScheduler.run(({ cold, expectObservable }) => {
        expectObservable(cold('-a-b|', d).pipe(autoAck())).toBe('-a-b|', d);
      });
      await new Promise((resolve) => setImmediate(resolve)); // unhandled rejections are reported after the microtasks
      expect(unhandled.reasons).toStrictEqual([]);
      expect(fake.calls).toStrictEqual([
        { op: 'ack', id: 'a', frame: 1 },
        { op: 'ack', id: 'b', frame: 3 },
      ]);
    } finally {
      unhandled.stop();
    }
  });
});
