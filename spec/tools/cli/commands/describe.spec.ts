import type { GroupDescription, StreamDescription } from '../../../../src/describe/StreamDescription';
import { render } from '../../../../src/tools/cli/commands/describe';

const group = (name: string, consumers: GroupDescription['consumers']): GroupDescription => ({
  name,
  consumers,
  pending: consumers.reduce((sum, c) => sum + c.pending, 0),
  lag: 0,
  lastDeliveredId: '5-0',
  oldestPendingId: undefined,
  oldestPendingAgeMs: undefined,
  deadLetters: 0,
});

const description = (groups: GroupDescription[]): StreamDescription => ({
  stream: 'orders',
  length: 5,
  firstId: '1-0',
  lastId: '5-0',
  retention: undefined,
  deadLetters: 0,
  groups,
  scheduled: 0,
  nextDueAt: undefined,
  partitions: [{ key: 'orders', length: 5, firstId: '1-0', lastId: '5-0', groups, scheduled: 0, nextDueAt: undefined }],
});

describe('cli describe', () => {
  it('describe - a group without consumers is listed in the consumers table as "(no consumers)", not left out under an empty header', () => {
    expect(render(description([group('audit', [])])).split('\n').slice(6)).toEqual([
      'GROUP  CONSUMERS  PENDING  LAG  LAST DELIVERED  OLDEST PENDING  DEAD LETTERS',
      'audit  0          0        0    5-0             -               0',
      '',
      'GROUP  CONSUMER        PENDING  IDLE',
      'audit  (no consumers)  -        -',
      '',
    ]);
  });

  it('describe - groups with and without consumers side by side', () => {
    const lines = render(description([group('A', [{ name: 'a#1', pending: 2, idleMs: 1500 }]), group('B', [])])).split('\n');
    expect(lines.slice(lines.indexOf('GROUP  CONSUMER        PENDING  IDLE'))).toEqual(['GROUP  CONSUMER        PENDING  IDLE', 'A      a#1             2        1.5s', 'B      (no consumers)  -        -', '']);
  });
});
