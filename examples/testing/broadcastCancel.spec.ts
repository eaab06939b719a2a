import { createTestEventService, createTestScheduler } from 'rx-redis-events/testing';
import { CancelExport, exportProgress } from './pipelines';

// #region cancel-spec
describe('exportProgress', () => {
  it('reports progress every second until its cancellation is broadcast, and ignores other exports’ cancellations', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const gateway = createTestEventService({ group: 'gateway', scheduler: testScheduler });
      const api = createTestEventService({ group: 'api', scheduler: testScheduler, broker: gateway.broker });
      cold('1500ms a 999ms b').subscribe((id) => void api.broadcast(CancelExport, { exportId: id === 'a' ? 'other' : 'e1' }));
      expectObservable(exportProgress(gateway, 'e1', testScheduler)).toBe('1000ms a 999ms b 499ms |', { a: 10, b: 20 });
    });
  });
});
// #endregion cancel-spec
