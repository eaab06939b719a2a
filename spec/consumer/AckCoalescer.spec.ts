import { asyncScheduler, from, of, throwError, VirtualTimeScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { AckCoalescer } from '../../src/consumer/AckCoalescer';
import { TransportError } from '../../src/errors/TransportError';
import type { AckBatch, StreamTransport } from '../../src/transport/StreamTransport';

/** One recorded ack call: the group, and each stream's ids. */
type AckCall = [string, [string, string[]][]];

/** A transport whose acks are recorded and answer with `answer()` (at once by default). */
function fakeTransport(answer: () => Observable<void> = () => of(undefined)): { transport: StreamTransport; calls: AckCall[] } {
  const calls: AckCall[] = [];
  const transport = {
    ack: (group: string, batches: readonly AckBatch[]) => {
      calls.push([group, batches.map(({ key, ids }) => [key, [...ids]])]);
      return answer();
    },
  } as unknown as StreamTransport;
  return { transport, calls };
}

/** Sends queued acks as the next task of `scheduler`. */
const soonOn =
  (scheduler: SchedulerLike) =>
  (work: () => void): void =>
    void scheduler.schedule(work);

describe('AckCoalescer', () => {
  it('AckCoalescer - the acks queued before the scheduler runs its next task become one call per group, over every stream', async () => {
    const scheduler = new VirtualTimeScheduler();
    const { transport, calls } = fakeTransport();
    const acks = new AckCoalescer(transport, () => undefined, soonOn(scheduler));
    const pending = [acks.ack('s1', 'g', '1-0'), acks.ack('s1', 'g', '2-0'), acks.ack('s2', 'g', '3-0'), acks.ack('s1', 'h', '4-0')];
    expect(pending[0]).toBe(pending[1]);
    expect(calls).toEqual([]);
    scheduler.flush();
    expect(calls).toEqual([
      ['g', [['s1', ['1-0', '2-0']], ['s2', ['3-0']]]],
      ['h', [['s1', ['4-0']]]],
    ]);
    await Promise.all(pending.map((ack) => ack.done));
    const next = acks.ack('s1', 'g', '5-0');
    scheduler.flush();
    await next.done;
    expect(calls.length).toBe(3);
    expect(calls[2]).toEqual(['g', [['s1', ['5-0']]]]);
  });

  it('AckCoalescer - an answer that comes at once is told in the same task, before any promise settles, and told at once to a late caller', () => {
    const scheduler = new VirtualTimeScheduler();
    const acks = new AckCoalescer(fakeTransport().transport, () => undefined, soonOn(scheduler));
    const pending = acks.ack('s', 'g', '1-0');
    const seen: string[] = [];
    pending.whenAnswered(() => seen.push('answered'), () => seen.push('refused'));
    pending.whenAnswered(() => seen.push('answered too'), () => seen.push('refused'));
    scheduler.flush();
    expect(seen).toEqual(['answered', 'answered too']);
    pending.whenAnswered(() => seen.push('replayed'), () => seen.push('refused'));
    expect(seen).toEqual(['answered', 'answered too', 'replayed']);
  });

  it('AckCoalescer - a refused ack is told to every caller with the transport error, also to a late one', () => {
    const scheduler = new VirtualTimeScheduler();
    const down = new TransportError('ack', new Error('down'));
    const acks = new AckCoalescer(fakeTransport(() => throwError(() => down)).transport, () => undefined, soonOn(scheduler));
    const pending = acks.ack('s', 'g', '1-0');
    const seen: unknown[] = [];
    pending.whenAnswered(() => seen.push('recorded'), (error) => seen.push(error));
    scheduler.flush();
    pending.whenAnswered(() => seen.push('recorded'), (error) => seen.push(error));
    expect(seen).toEqual([down, down]);
  });

  it('AckCoalescer - the promise of an ack awaited after the answer came resolves, or rejects with the transport error', async () => {
    const scheduler = new VirtualTimeScheduler();
    const recorded = new AckCoalescer(fakeTransport().transport, () => undefined, soonOn(scheduler)).ack('s', 'g', '1-0');
    const down = new TransportError('ack', new Error('down'));
    const refused = new AckCoalescer(fakeTransport(() => throwError(() => down)).transport, () => undefined, soonOn(scheduler)).ack('s', 'g', '2-0');
    scheduler.flush();
    await expect(recorded.done).resolves.toBeUndefined();
    await expect(refused.done).rejects.toBe(down);
  });

  it('AckCoalescer - a failed ack rejects its callers and is reported once per call', async () => {
    const { transport } = fakeTransport(() => throwError(() => new TransportError('ack', new Error('down'))));
    const reported: unknown[] = [];
    const acks = new AckCoalescer(transport, (error) => reported.push(error), soonOn(asyncScheduler));
    const first = acks.ack('s', 'g', '1-0');
    const second = acks.ack('s', 'g', '2-0');
    const other = acks.ack('t', 'g', '3-0');
    await expect(first.done).rejects.toThrow(TransportError);
    await expect(other.done).rejects.toThrow(TransportError);
    await expect(second.done).rejects.toThrow(TransportError);
    await acks.flush();
    expect(reported.length).toBe(1);
  });

  it('AckCoalescer - flush sends what is queued and waits for the answer', async () => {
    const { transport, calls } = fakeTransport();
    const acks = new AckCoalescer(transport, () => undefined, soonOn(new VirtualTimeScheduler()));
    void acks.ack('s', 'g', '1-0');
    await acks.flush();
    expect(calls).toEqual([['g', [['s', ['1-0']]]]]);
  });

  it("AckCoalescer - while the acks of a stream are on their way, its later acks gather into the next call; another stream's go at once", async () => {
    const answers: (() => void)[] = [];
    const { transport, calls } = fakeTransport(() => from(new Promise<void>((resolve) => answers.push(resolve))));
    const scheduler = new VirtualTimeScheduler();
    const acks = new AckCoalescer(transport, () => undefined, soonOn(scheduler));
    const first = acks.ack('s', 'g', '1-0');
    scheduler.flush();
    const later = [2, 3, 4].map((n) => acks.ack('s', 'g', `${n}-0`));
    const elsewhere = acks.ack('t', 'g', '5-0');
    scheduler.flush();
    expect(calls).toEqual([
      ['g', [['s', ['1-0']]]],
      ['g', [['t', ['5-0']]]],
    ]);
    answers.shift()?.();
    await first.done;
    scheduler.flush();
    expect(calls.slice(2)).toEqual([['g', [['s', ['2-0', '3-0', '4-0']]]]]);
    answers.shift()?.();
    answers.shift()?.();
    await Promise.all([...later, elsewhere].map((ack) => ack.done));
    await acks.flush();
    expect(calls.length).toBe(3);
  });
});
