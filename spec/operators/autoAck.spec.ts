import { runInThisContext } from 'node:vm';
import type { TestScheduler } from 'rxjs/testing';
import { createTestScheduler, expectAcks, expectNacks, fakeDeliveries } from 'rx-redis-events/testing';
import { autoAck } from '../../src/operators/autoAck';

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
    testScheduler = createTestScheduler();
  });

  it('autoAck - acks each delivery once as it passes and emits it unchanged', () => {
    testScheduler.run((helpers) => {
      const source = fakeDeliveries(helpers, '-a-b-c|', VALUES);
      helpers.expectObservable(source.pipe(autoAck())).toBe('-a-b-c|', source.deliveries);
      expectAcks(source).toBe('-a-b-c');
      expectNacks(source).toBe('');
    });
  });

  it('autoAck - a rejected ack neither errors the stream nor leaves an unhandled rejection', async () => {
    const unhandled = watchUnhandledRejections();
    try {
      testScheduler.run((helpers) => {
        const source = fakeDeliveries(helpers, '-a-b|', VALUES, { settle: () => Promise.reject(new Error('broker down')) });
        helpers.expectObservable(source.pipe(autoAck())).toBe('-a-b|', source.deliveries);
        expectAcks(source).toBe('-a-b');
        expectNacks(source).toBe('');
      });
      await new Promise((resolve) => setImmediate(resolve)); // unhandled rejections are reported after the microtasks
      expect(unhandled.reasons).toStrictEqual([]);
    } finally {
      unhandled.stop();
    }
  });
});
