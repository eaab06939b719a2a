import { asyncScheduler, from, of, throwError, VirtualTimeScheduler, type Observable } from 'rxjs';
import { AckCoalescer } from '../../src/consumer/AckCoalescer';
import { TransportError } from '../../src/errors/TransportError';
import type { StreamTransport } from '../../src/transport/StreamTransport';

/** A transport whose acks are recorded and answer with `answer()` (at once by default). */
function fakeTransport(answer: () => Observable<void> = () => of(undefined)): { transport: StreamTransport; calls: [string, string, string[]][] } {
  const calls: [string, string, string[]][] = [];
  const transport = {
    ack: (key: string, group: string, ids: readonly string[]) => {
      calls.push([key, group, [...ids]]);
      return answer();
    },
  } as unknown as StreamTransport;
  return { transport, calls };
}

describe('AckCoalescer', () => {
  it('AckCoalescer - the acks queued before the scheduler runs its next task become one call per stream and group', async () => {
    const scheduler = new VirtualTimeScheduler();
    const { transport, calls } = fakeTransport();
    const acks = new AckCoalescer(transport, () => undefined, scheduler);
    const pending = [acks.ack('s1', 'g', '1-0'), acks.ack('s1', 'g', '2-0'), acks.ack('s2', 'g', '3-0'), acks.ack('s1', 'h', '4-0')];
    expect(pending[0]).toBe(pending[1]);
    expect(calls).toEqual([]);
    scheduler.flush();
    expect(calls).toEqual([
      ['s1', 'g', ['1-0', '2-0']],
      ['s2', 'g', ['3-0']],
      ['s1', 'h', ['4-0']],
    ]);
    await Promise.all(pending.map((ack) => ack.done));
    const next = acks.ack('s1', 'g', '5-0');
    scheduler.flush();
    await next.done;
    expect(calls.length).toBe(4);
    expect(calls[3]).toEqual(['s1', 'g', ['5-0']]);
  });

  it('AckCoalescer - an answer that comes at once completes `answered` in the same task, before any promise settles', () => {
    const scheduler = new VirtualTimeScheduler();
    const acks = new AckCoalescer(fakeTransport().transport, () => undefined, scheduler);
    const pending = acks.ack('s', 'g', '1-0');
    const seen: string[] = [];
    pending.answered.subscribe({ complete: () => seen.push('answered') });
    scheduler.flush();
    expect(seen).toEqual(['answered']);
    pending.answered.subscribe({ complete: () => seen.push('replayed') });
    expect(seen).toEqual(['answered', 'replayed']);
  });

  it('AckCoalescer - a failed ack rejects its callers and is reported once per batch', async () => {
    const { transport } = fakeTransport(() => throwError(() => new TransportError('ack', new Error('down'))));
    const reported: unknown[] = [];
    const acks = new AckCoalescer(transport, (error) => reported.push(error), asyncScheduler);
    const first = acks.ack('s', 'g', '1-0');
    const second = acks.ack('s', 'g', '2-0');
    await expect(first.done).rejects.toThrow(TransportError);
    await expect(second.done).rejects.toThrow(TransportError);
    await acks.flush();
    expect(reported.length).toBe(1);
  });

  it('AckCoalescer - flush sends what is queued and waits for the answer', async () => {
    const { transport, calls } = fakeTransport();
    const acks = new AckCoalescer(transport, () => undefined, new VirtualTimeScheduler());
    void acks.ack('s', 'g', '1-0');
    await acks.flush();
    expect(calls).toEqual([['s', 'g', ['1-0']]]);
  });

  it('AckCoalescer - while an XACK is on its way, later acks of that stream and group gather into the next one', async () => {
    const answers: (() => void)[] = [];
    const { transport, calls } = fakeTransport(() => from(new Promise<void>((resolve) => answers.push(resolve))));
    const scheduler = new VirtualTimeScheduler();
    const acks = new AckCoalescer(transport, () => undefined, scheduler);
    const first = acks.ack('s', 'g', '1-0');
    scheduler.flush();
    const later = [2, 3, 4].map((n) => acks.ack('s', 'g', `${n}-0`));
    scheduler.flush();
    expect(calls.map(([, , ids]) => ids)).toEqual([['1-0']]);
    answers.shift()?.();
    await first.done;
    scheduler.flush();
    expect(calls.map(([, , ids]) => ids)).toEqual([['1-0'], ['2-0', '3-0', '4-0']]);
    answers.shift()?.();
    await Promise.all(later.map((ack) => ack.done));
    await acks.flush();
    expect(calls.length).toBe(2);
  });
});
