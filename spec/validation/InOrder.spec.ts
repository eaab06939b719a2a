import { InOrder } from '../../src/validation/InOrder';
import type { Checked } from '../../src/validation/checkValue';

const valid = (value: number): Checked<number> => ({ valid: true, value });

describe('InOrder', () => {
  it('InOrder - known outcomes settle at once while nothing waits', () => {
    const settled: number[] = [];
    const checks = new InOrder<number>(() => undefined);
    checks.add(valid(1), (outcome) => outcome.valid && settled.push(outcome.value));
    expect(settled).toEqual([1]);
    expect(checks.size).toBe(0);
  });

  it('InOrder - outcomes settle in the order added, whenever their Promises resolve; a settle that throws is reported and the rest go on', async () => {
    const settled: number[] = [];
    const reported: unknown[] = [];
    const checks = new InOrder<number>((error) => reported.push(error));
    const resolvers: ((outcome: Checked<number>) => void)[] = [];
    const later = () => new Promise<Checked<number>>((resolve) => resolvers.push(resolve));
    const settle = (outcome: Checked<number>) => {
      if (outcome.valid && outcome.value === 3) throw new Error('handler bug');
      settled.push(outcome.valid ? outcome.value : -1);
    };
    checks.add(later(), settle);
    checks.add(later(), settle);
    checks.add(valid(3), settle);
    checks.add({ valid: false, issues: [] }, settle);
    expect(checks.size).toBe(4);
    resolvers[1]?.(valid(2));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toEqual([]);
    resolvers[0]?.(valid(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual([1, 2, -1]);
    expect(reported).toEqual([new Error('handler bug')]);
    expect(checks.size).toBe(0);
  });
});
