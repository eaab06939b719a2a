import { ACK_SCRIPT_IDS, ackScriptCalls, firstRefusal } from '../../../src/transport/redis/ackCalls';

describe('ackCalls', () => {
  it(`ackScriptCalls - batches of more than ${ACK_SCRIPT_IDS} ids in all are split between streams, never inside one`, () => {
    const batch = (key: string, count: number) => ({ key, ids: Array.from({ length: count }, (_, n) => `${n + 1}-0`) });
    const sizes = (calls: ReturnType<typeof ackScriptCalls>) => calls.map((call) => call.map((one) => `${one.key}:${one.ids.length}`));
    expect(sizes(ackScriptCalls([batch('a', 6000), batch('b', 4000), batch('c', 1), batch('d', 12000), batch('e', 2)]))).toEqual([['a:6000', 'b:4000'], ['c:1'], ['d:12000'], ['e:2']]);
  });

  it('firstRefusal - waits for every call and rejects with the first refusal in the order of the calls', async () => {
    let settled = 0;
    const call = (error: Error | undefined, delayMs: number) =>
      new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          settled++;
          if (error) reject(error);
          else resolve();
        }, delayMs);
      });
    const first = new Error('first');
    await expect(firstRefusal([call(undefined, 5), call(first, 20), call(new Error('second'), 1)])).rejects.toBe(first);
    expect(settled).toBe(3);
    await expect(firstRefusal([call(undefined, 1), call(undefined, 2)])).resolves.toBeUndefined();
  });
});
