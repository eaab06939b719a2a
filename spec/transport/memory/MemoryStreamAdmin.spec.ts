import { TestScheduler } from 'rxjs/testing';
import { TransportError } from '../../../src/errors/TransportError';
import { MemoryBroker } from '../../../src/transport/memory/MemoryBroker';
import { MemoryStreamAdmin } from '../../../src/transport/memory/MemoryStreamAdmin';
import type { ReadEntry } from '../../../src/transport/StreamTransport';

describe('MemoryStreamAdmin', () => {
  /** A broker whose clock stands at 0, with `jobs` (group `g`) holding three entries appended at 1000 ms. */
  const setUp = () => {
    const broker = new MemoryBroker({ scheduler: new TestScheduler(() => undefined) });
    const jobs = broker.stream('jobs');
    jobs.ensureGroup('g', 'start');
    for (const v of ['a', 'b', 'c']) jobs.append({ v }, 1000);
    return { broker, jobs, admin: new MemoryStreamAdmin(broker) };
  };

  it('MemoryStreamAdmin - readAfter, lastId and readDeadLetters read without a group; a missing stream reads as empty', async () => {
    const { jobs, admin } = setUp();
    expect(await admin.readAfter('jobs', '1000-0', 1)).toEqual([{ id: '1000-1', fields: { v: 'b' } }]);
    expect(await admin.readAfter('jobs', '0-0', 10)).toHaveLength(3);
    expect(await admin.lastId('jobs')).toBe('1000-2');
    expect(await admin.readDeadLetters('jobs', 2)).toEqual([{ id: '1000-0', fields: { v: 'a' } }, { id: '1000-1', fields: { v: 'b' } }]);
    expect(jobs.pendingIds('g')).toEqual([]);
    expect([await admin.readAfter('none', '0-0', 10), await admin.lastId('none'), await admin.readDeadLetters('none', 10)]).toEqual([[], undefined, []]);
  });

  it('MemoryStreamAdmin - a failure rejects with a TransportError of the operation', async () => {
    const { admin } = setUp();
    const failure = admin.readAfter('jobs', 'x', 10);
    await expect(failure).rejects.toBeInstanceOf(TransportError);
    await expect(failure).rejects.toMatchObject({ operation: 'readAfter', code: 'UNKNOWN', message: 'the broker failed during readAfter: Invalid stream ID specified as stream command argument: x' });
    await expect(admin.moveGroup('jobs', 'g', { afterId: 'y' })).rejects.toMatchObject({ operation: 'moveGroup', code: 'UNKNOWN' });
  });

  it('MemoryStreamAdmin - redrive puts a dead letter back on its stream, addressed to its group, and serves a blocked reader', async () => {
    const { broker, jobs, admin } = setUp();
    const letters = broker.stream('jobs:dlq');
    const letter = letters.append({ sid: '1000-0', group: 'g', reason: 'r', error: 'e', count: '3', 'o:v': 'a' }, 1000);
    const empty = letters.append({ sid: '1000-1', group: 'g', reason: 'r', error: 'e', count: '1' }, 1000);
    jobs.readNew('g', 'c', 10, 1000);
    const served: ReadEntry[][] = [];
    jobs.wait({ group: 'g', consumer: 'c', count: 10, resolve: (entries) => served.push(entries) });
    expect(await admin.redrive('jobs', 'jobs:dlq', letter)).toBe('1000-3');
    expect(served).toEqual([[{ id: '1000-3', fields: { v: 'a', g: 'g' }, deliveryCount: 1 }]]);
    expect(letters.range(10).map((entry) => entry.id)).toEqual([empty]);
    expect([await admin.redrive('jobs', 'jobs:dlq', letter), await admin.redrive('jobs', 'jobs:dlq', empty), await admin.redrive('jobs', 'none', letter)]).toEqual([undefined, undefined, undefined]);
    expect(letters.length).toBe(1);
  });

  it('MemoryStreamAdmin - describe counts the dead letters; a missing stream describes as empty', async () => {
    const { broker, jobs, admin } = setUp();
    jobs.readNew('g', 'c', 1, 0);
    broker.stream('jobs:dlq').append({}, 0);
    expect(await admin.describe('jobs', 'jobs:dlq')).toEqual({
      length: 3,
      firstId: '1000-0',
      lastId: '1000-2',
      groups: [{ name: 'g', consumers: [{ name: 'c', pending: 1, idleMs: 0 }], pending: 1, oldestPendingId: '1000-0', lag: 2, lastDeliveredId: '1000-0' }],
      deadLetters: 1,
    });
    expect(await admin.describe('none', 'jobs:dlq')).toEqual({ length: 0, firstId: undefined, lastId: undefined, groups: [], deadLetters: 1 });
  });

  it('MemoryStreamAdmin - trim, moveGroup and removeGroup; a missing stream or group changes nothing', async () => {
    const { broker, jobs, admin } = setUp();
    expect(await admin.trim('jobs', { maxLength: 1, unsafe: false })).toBe(0);
    expect(await admin.trim('jobs', { maxLength: 1, unsafe: true })).toBe(2);
    expect(await admin.moveGroup('jobs', 'g', { afterId: '1000-1' })).toBe(true);
    expect(jobs.readNew('g', 'c', 10, 0).map((entry) => entry.id)).toEqual(['1000-2']);
    expect([await admin.moveGroup('jobs', 'other', 'start'), await admin.removeGroup('jobs', 'other')]).toEqual([false, false]);
    expect([await admin.trim('none', { maxLength: 0, unsafe: true }), await admin.moveGroup('none', 'g', 'end'), await admin.removeGroup('none', 'g')]).toEqual([0, false, false]);
    expect(broker.existingStream('none')).toBeUndefined();
    expect(await admin.removeGroup('jobs', 'g')).toBe(true);
    expect(jobs.existingGroup('g')).toBeUndefined();
  });
});
