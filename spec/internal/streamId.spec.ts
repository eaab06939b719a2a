import { idBefore, idBeforeTime, idTime, isStreamId, lastIdOfTime } from '../../src/internal/streamId';

describe('stream ids', () => {
  it.each([
    ['1700000000000-3', 1700000000000],
    ['1795678289278-12', 1795678289278],
    ['0-0', 0],
  ])('idTime(%p) is the time before the dash', (id, ms) => {
    expect(idTime(id).getTime()).toBe(ms);
  });

  it.each(['-1', 'abc', '1700000000000', '', '12a-3'])('idTime(%p) is an invalid Date', (id) => {
    expect(Number.isNaN(idTime(id).getTime())).toBe(true);
  });
});

describe('streamId - positions', () => {
  it('streamId - idBeforeTime is the largest id of the millisecond before, 0-0 at the epoch', () => {
    expect(idBeforeTime(1700000000005)).toBe('1700000000004-18446744073709551615');
    expect(idBeforeTime(0)).toBe('0-0');
    expect(idBefore({ ms: 7, seq: 3 })).toBe('7-2');
    expect(idBefore({ ms: 7, seq: 0 })).toBe('6-18446744073709551615');
    expect(lastIdOfTime(9)).toBe('9-18446744073709551615');
  });

  it('streamId - isStreamId takes <ms>-<seq> of unsigned 64-bit integers only', () => {
    expect(['0-1', '1700000000000-0', '18446744073709551615-18446744073709551615'].map(isStreamId)).toEqual([true, true, true]);
    expect(['start', '1-', '-1', '1-2-3', '18446744073709551616-0', '1-18446744073709551616', 5].map(isStreamId)).toEqual([false, false, false, false, false, false, false]);
  });
});
