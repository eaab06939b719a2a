import { AckCoalescer } from '../../src/consumer/AckCoalescer';
import { TransportError } from '../../src/errors/TransportError';
import type { StreamTransport } from '../../src/transport/StreamTransport';

function fakeTransport(fail = false): { transport: StreamTransport; calls: [string, string, string[]][] } {
  const calls: [string, string, string[]][] = [];
  const transport = {
    ack: (key: string, group: string, ids: readonly string[]) => {
      calls.push([key, group, [...ids]]);
      return fail ? Promise.reject(new TransportError('ack', new Error('down'))) : Promise.resolve();
    },
  } as unknown as StreamTransport;
  return { transport, calls };
}

describe('AckCoalescer', () => {
  it('AckCoalescer - the acks of one tick become one call per stream and group', async () => {
    const { transport, calls } = fakeTransport();
    const acks = new AckCoalescer(transport, () => undefined);
    const done = [acks.ack('s1', 'g', '1-0'), acks.ack('s1', 'g', '2-0'), acks.ack('s2', 'g', '3-0'), acks.ack('s1', 'h', '4-0')];
    expect(calls).toEqual([]);
    await Promise.all(done);
    expect(calls).toEqual([
      ['s1', 'g', ['1-0', '2-0']],
      ['s2', 'g', ['3-0']],
      ['s1', 'h', ['4-0']],
    ]);
    await acks.ack('s1', 'g', '5-0');
    expect(calls.length).toBe(4);
    expect(calls[3]).toEqual(['s1', 'g', ['5-0']]);
  });

  it('AckCoalescer - a failed ack rejects its callers and is reported once per batch', async () => {
    const { transport } = fakeTransport(true);
    const reported: unknown[] = [];
    const acks = new AckCoalescer(transport, (error) => reported.push(error));
    const first = acks.ack('s', 'g', '1-0');
    const second = acks.ack('s', 'g', '2-0');
    await expect(first).rejects.toThrow(TransportError);
    await expect(second).rejects.toThrow(TransportError);
    await acks.flush();
    expect(reported.length).toBe(1);
  });

  it('AckCoalescer - flush sends what is queued and waits for the answer', async () => {
    const { transport, calls } = fakeTransport();
    const acks = new AckCoalescer(transport, () => undefined);
    void acks.ack('s', 'g', '1-0');
    await acks.flush();
    expect(calls).toEqual([['s', 'g', ['1-0']]]);
  });

  it('AckCoalescer - while an XACK is on its way, later acks of that stream and group gather into the next one', async () => {
    const calls: string[][] = [];
    const answers: (() => void)[] = [];
    const transport = {
      ack: (_key: string, _group: string, ids: readonly string[]) => {
        calls.push([...ids]);
        return new Promise<void>((resolve) => answers.push(resolve));
      },
    } as unknown as StreamTransport;
    const acks = new AckCoalescer(transport, () => undefined);
    const first = acks.ack('s', 'g', '1-0');
    await Promise.resolve();
    const later = [2, 3, 4].map((n) => {
      const acked = acks.ack('s', 'g', `${n}-0`);
      return acked;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['1-0']]);
    answers.shift()?.();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['1-0'], ['2-0', '3-0', '4-0']]);
    answers.shift()?.();
    await Promise.all(later);
    await acks.flush();
    expect(calls.length).toBe(2);
  });
});
