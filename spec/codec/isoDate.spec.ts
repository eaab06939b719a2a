import fc from 'fast-check';
import { dateOfIso } from '../../src/codec/isoDate';

/** The time of a Date, `NaN` for an invalid one: what two Dates are compared by. */
const timeOf = (date: Date) => date.getTime();

describe('dateOfIso', () => {
  it('dateOfIso - reads toISOString of any date of the years 0 to 9999 as new Date does', () => {
    // 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z
    const years0To9999 = fc.date({ min: new Date(-62_167_219_200_000), max: new Date(253_402_300_799_999), noInvalidDate: true });
    fc.assert(
      fc.property(years0To9999, (date) => {
        const text = date.toISOString();
        expect(timeOf(dateOfIso(text))).toBe(date.getTime());
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['2026-12-07T13:05:25.833Z', Date.UTC(2026, 11, 7, 13, 5, 25, 833)],
    ['2024-02-28T23:59:59.999Z', Date.UTC(2024, 1, 28, 23, 59, 59, 999)],
    ['0000-01-01T00:00:00.000Z', -62_167_219_200_000],
    ['1969-12-31T23:59:59.999Z', -1],
    ['1970-01-01T00:00:00.000Z', 0],
    ['9999-12-28T00:00:00.000Z', Date.UTC(9999, 11, 28)],
  ])('dateOfIso - %s is %p', (text, time) => {
    expect(timeOf(dateOfIso(text))).toBe(time);
  });

  it.each([
    // what the engine rolls over, or reads in another form: the same answer as new Date, through it
    '2026-02-30T00:00:00.000Z',
    '2024-02-29T12:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-12-07T24:00:00.000Z',
    '+012026-12-07T10:00:00.000Z',
    '-000001-12-07T10:00:00.000Z',
    '2026-12-07T10:00:00Z',
    '2026-12-07T10:00:00.000+01:00',
    '2026-12-07',
    // invalid: NaN, as from new Date
    '2026-00-07T10:00:00.000Z',
    '2026-13-07T10:00:00.000Z',
    '2026-12-00T10:00:00.000Z',
    '2026-12-07T10:60:00.000Z',
    '2026-12-07T10:00:60.000Z',
    '2026-1x-07T10:00:00.000Z',
    '2026-12-07T10:00:00.0a0Z',
    '2026-12-07 10:00:00.000Z',
    'not a date at all, 24 ch',
    '',
  ])('dateOfIso - %p gives what new Date gives', (text) => {
    expect(timeOf(dateOfIso(text))).toBe(timeOf(new Date(text)));
  });

  it('dateOfIso - the two forms it falls back for are really different answers when read digit by digit', () => {
    // the 30th of February is the 2nd of March: a digit reader that took it would answer otherwise
    expect(dateOfIso('2026-02-30T00:00:00.000Z').toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(dateOfIso('2026-12-07T24:00:00.000Z').toISOString()).toBe('2026-12-08T00:00:00.000Z');
  });
});
