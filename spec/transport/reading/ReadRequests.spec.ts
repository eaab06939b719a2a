import { ANY_COUNT_READ, ReadRequests, type ReadRequest } from '../../../src/transport/reading/ReadRequests';
import type { ReadEntry } from '../../../src/transport/StreamTransport';

/** A request that records what it was answered. */
function request(key: string, count: number, deadline: number, answers: string[][]): ReadRequest {
  return { key, count, deadline, answer: (entries) => answers.push(entries.map((entry) => entry.id)), fail: () => answers.push(['failed']) };
}

const entries = (...ids: string[]): ReadEntry[] => ids.map((id) => ({ id, fields: {}, deliveryCount: 1 }));

describe('redis transport - read requests', () => {
  it('read requests - the next read takes the smallest count of the keys asking for at least half the largest; the read after a partial one covers every key', () => {
    const requests = new ReadRequests(() => undefined);
    requests.add(request('a', 100, 2000, []));
    requests.add(request('b', 60, 1500, []));
    requests.add(request('c', 10, 3000, []));
    expect(requests.nextRead()).toEqual({ keys: ['a', 'b'], count: 60, deadline: 1500, partial: true });
    expect(requests.nextRead()).toEqual({ keys: ['a', 'b', 'c'], count: 10, deadline: 1500, partial: false });
    expect(requests.nextRead()).toEqual({ keys: ['a', 'b'], count: 60, deadline: 1500, partial: true });
  });

  it(`read requests - a request for any number (count Infinity, a wake stream's) joins every read without sizing it or leaving a key out; alone it reads ${ANY_COUNT_READ}`, () => {
    const requests = new ReadRequests(() => undefined);
    requests.add(request('w', Infinity, 2000, []));
    expect(requests.nextRead()).toEqual({ keys: ['w'], count: ANY_COUNT_READ, deadline: 2000, partial: false });
    requests.add(request('a', 500, 1000, []));
    expect(requests.nextRead()).toEqual({ keys: ['w', 'a'], count: 500, deadline: 1000, partial: false });
    requests.add(request('b', 100, 3000, []));
    expect(requests.nextRead()).toEqual({ keys: ['w', 'a'], count: 500, deadline: 1000, partial: true });
    expect(requests.nextRead()).toEqual({ keys: ['w', 'a', 'b'], count: 100, deadline: 1000, partial: false });
    // an answer gives it every entry the read brought
    const answers: string[][] = [];
    const wake = new ReadRequests(() => undefined);
    wake.add(request('w', Infinity, 2000, answers));
    wake.answerFrom('w', entries('1-0', '2-0', '3-0'), 2)?.();
    expect({ answers, kept: wake.keptKeys() }).toEqual({ answers: [['1-0', '2-0', '3-0']], kept: [] });
  });

  it('read requests - a read answers the oldest request of its key with no more than it asked for, keeps the rest for the next, and hands back what a released key got', () => {
    const unread: [string, string[]][] = [];
    const requests = new ReadRequests((key, ids) => unread.push([key, ids]));
    const answers: string[][] = [];
    requests.add(request('a', 2, 1000, answers));
    const answer = requests.answerFrom('a', entries('1-0', '2-0', '3-0'), 3);
    expect({ answers, waits: requests.waits('a'), empty: requests.empty }).toEqual({ answers: [], waits: false, empty: true });
    answer?.();
    expect(answers).toEqual([['1-0', '2-0']]);
    expect(requests.takeKept('a', 5)?.map((entry) => entry.id)).toEqual(['3-0']);
    expect(requests.takeKept('a', 5)).toBeUndefined();
    requests.markReleased('b');
    requests.answerFrom('b', entries('4-0'), 3);
    expect(unread).toEqual([['b', ['4-0']]]);
    requests.answerFrom('c', entries('5-0', '6-0'), 3);
    expect(requests.keptKeys()).toEqual(['c']);
    requests.handBack('c');
    expect({ unread: unread[1], kept: requests.keptKeys() }).toEqual({ unread: ['c', ['5-0', '6-0']], kept: [] });
  });

  it('read requests - a request is told what arrived when its entries are taken out, and answered only by the function returned', () => {
    const requests = new ReadRequests(() => undefined);
    const told: string[] = [];
    const tell = (key: string): ReadRequest => ({
      key,
      count: 5,
      deadline: 1000,
      arrived: (got, more) => told.push(`${key} arrived ${got.map((entry) => entry.id).join(' ')}, more ${String(more)}, waits ${String(requests.waits(key))}`),
      answer: (got, more) => told.push(`${key} answered ${got.map((entry) => entry.id).join(' ')}, more ${String(more)}`),
      fail: () => told.push(`${key} failed`),
    });
    requests.add(tell('a'));
    requests.add(tell('b'));
    // a read with COUNT 2 over both keys: b got all it could, a got less
    const answers = [requests.answerFrom('a', entries('1-0'), 2), requests.answerFrom('b', entries('2-0', '3-0'), 2), requests.answerFrom('c', [], 2)];
    for (const answer of answers) answer?.();
    expect({ told, none: answers[2] }).toEqual({
      told: ['a arrived 1-0, more false, waits false', 'b arrived 2-0 3-0, more true, waits false', 'a answered 1-0, more false', 'b answered 2-0 3-0, more true'],
      none: undefined,
    });
  });

  it('read requests - requests whose deadline passed are answered [] and leave their queue; the others stay', () => {
    const requests = new ReadRequests(() => undefined);
    const answers: Record<string, string[][]> = { early: [], late: [] };
    requests.add(request('a', 10, 100, answers.early as string[][]));
    requests.add(request('a', 10, 200, answers.late as string[][]));
    requests.expire(99);
    expect(answers).toEqual({ early: [], late: [] });
    requests.expire(100);
    expect({ answers, deadline: requests.earliestDeadline() }).toEqual({ answers: { early: [[]], late: [] }, deadline: 200 });
    const other: string[][] = [];
    requests.add(request('b', 10, 150, other));
    requests.expire(200);
    expect({ answers, other, waitsA: requests.waits('a'), waitsB: requests.waits('b'), empty: requests.empty }).toEqual({ answers: { early: [[]], late: [[]] }, other: [[]], waitsA: false, waitsB: false, empty: true });
  });

  it('read requests - failing a key fails each of its requests, or answers them [] without a failure; a withdrawn request leaves its queue', () => {
    const requests = new ReadRequests(() => undefined);
    const answers: string[][] = [];
    requests.add(request('a', 1, 300, answers));
    requests.add(request('a', 1, 300, answers));
    requests.failAll('a', new Error('down'));
    requests.add(request('b', 1, 300, answers));
    requests.failAll('b', undefined);
    expect({ answers, empty: requests.empty }).toEqual({ answers: [['failed'], ['failed'], []], empty: true });
    const withdrawn = request('c', 1, 300, answers);
    const kept = request('c', 2, 300, answers);
    requests.add(withdrawn);
    requests.add(kept);
    requests.withdraw(withdrawn);
    expect(requests.drain()).toEqual([kept]);
    expect(requests.empty).toBe(true);
  });
});
