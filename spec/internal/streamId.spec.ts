import { idTime } from '../../src/internal/streamId';

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
