/**
 * The `Date` that `new Date(text)` gives for `text`. The form `Date.prototype.toISOString` writes for
 * years 0 to 9999, `YYYY-MM-DDTHH:mm:ss.sssZ` (what superjson stores for a `Date`), is read from its
 * digits, about twice as fast as the engine's parser; any other text goes to `new Date`. So do days
 * past the 28th and the hour 24, which the engine rolls over into the next month or day.
 */
export function dateOfIso(text: string): Date {
  if (text.length !== 24 || !separatorsAt(text)) return new Date(text);
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const ms = digitsAt(text, 20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return new Date(text);
  }
  return new Date(((daysFromEpoch(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms);
}

/** Whether `-`, `-`, `T`, `:`, `:`, `.` and `Z` stand where `toISOString` writes them. */
function separatorsAt(text: string): boolean {
  return (
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(19) === 46 &&
    text.charCodeAt(23) === 90
  );
}

/** The number written by `count` decimal digits from `at`, or -1 when one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (months 1 to 12). */
function daysFromEpoch(year: number, month: number, day: number): number {
  // counted in years that start on March 1st, so that a leap day is the last day of its year
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
