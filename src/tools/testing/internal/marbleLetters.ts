import { isDeepStrictEqual } from 'node:util';
import { TestScheduler } from 'rxjs/testing';
import type { MarbleLabel } from './marbleLabels';
import { preview } from './preview';

/** One notification at one frame, as `TestScheduler` records and parses them. */
export type TestMessage = ReturnType<typeof TestScheduler.parseMarbles>[number];

/** Characters that are marble syntax, never letters. */
const SYNTAX = '-()|#^! ';

/** What the letters of an expectation are read from. */
export interface LetterSource {
  /** The expected diagram as written (`toBe`); without it, letters are assigned `a`, `b`… by value. */
  readonly marbles?: string;
  /** The values map given to `toBe`; without it, a letter is its own value. */
  readonly values?: unknown;
  readonly runMode: boolean;
  readonly label?: MarbleLabel;
}

/** The letters of the expected notifications and of the actual values that match them. */
export class MarbleLetters {
  /** The character of each expected notification. */
  readonly expected: string[];
  private readonly pairs: [letter: string, value: unknown][] = [];

  constructor(
    private readonly expectedMessages: readonly TestMessage[],
    private readonly source: LetterSource,
  ) {
    const values = source.values;
    this.expected = writtenLetters(expectedMessages, source) ?? assignLetters(expectedMessages);
    expectedMessages.forEach((message, index) => {
      if (message.notification.kind === 'N') this.pairs.push([this.expected[index] ?? '?', valueOf(message)]);
    });
    if (typeof values === 'object' && values !== null) this.pairs.push(...Object.entries(values));
  }

  /** The character of the actual notification at `index`: the expected letter there or of an equal value, else `?`. */
  ofActual(message: TestMessage, index: number): string {
    if (message.notification.kind !== 'N') return symbolOf(message);
    const value = valueOf(message);
    if (this.source.label?.letterOf) return this.source.label.letterOf(value);
    const counterpart = this.expectedMessages[index];
    if (counterpart?.frame === message.frame && counterpart.notification.kind === 'N' && isDeepStrictEqual(valueOf(counterpart), value)) {
      return this.expected[index] ?? '?';
    }
    const pair = this.pairs.find(([, candidate]) => isDeepStrictEqual(candidate, value));
    if (pair) return pair[0];
    return isLetter(value) && !this.pairs.some(([letter]) => letter === value) ? value : '?';
  }

  /** `x = value` for each expected letter (standing for another value) that the actual diagram lacks. */
  legendOfMissing(actualChars: readonly string[]): string[] {
    const shown = new Set(actualChars);
    return this.pairs.flatMap(([letter, value]) => {
      if (shown.has(letter) || !this.expected.includes(letter) || value === letter) return [];
      shown.add(letter);
      return [`  ${letter} = ${preview(value)}`];
    });
  }
}

/** The value of a `next` notification (undefined for the others). */
export function valueOf(message: TestMessage): unknown {
  return message.notification.kind === 'N' ? (message.notification.value as unknown) : undefined;
}

/** `|` or `#` for a completion or an error. */
export function symbolOf(message: TestMessage): string {
  return message.notification.kind === 'C' ? '|' : '#';
}

/** The letters as written in the expected diagram, when it parses to the same notifications. */
function writtenLetters(expected: readonly TestMessage[], source: LetterSource): string[] | undefined {
  if (source.marbles === undefined) return undefined;
  let parsed: TestMessage[];
  try {
    parsed = TestScheduler.parseMarbles(source.marbles, undefined, undefined, false, source.runMode);
  } catch {
    return undefined;
  }
  if (parsed.length !== expected.length) return undefined;
  return parsed.map((message) => (message.notification.kind === 'N' ? String(valueOf(message)) : symbolOf(message)));
}

/** Letters for the distinct expected values, in order (for `toEqual`, which has no diagram): the value itself if it is a letter, else `a`, `b`… */
function assignLetters(expected: readonly TestMessage[]): string[] {
  const assigned: [string, unknown][] = [];
  const free = (letter: string) => !assigned.some(([taken]) => taken === letter);
  return expected.map((message) => {
    if (message.notification.kind !== 'N') return symbolOf(message);
    const value = valueOf(message);
    const known = assigned.find(([, candidate]) => isDeepStrictEqual(candidate, value));
    if (known) return known[0];
    const letter = isLetter(value) && free(value) ? value : ([...'abcdefghijklmnopqrstuvwxyz'].find(free) ?? '?');
    assigned.push([letter, value]);
    return letter;
  });
}

/** Whether a value is a one-character string that can stand for itself in a diagram. */
function isLetter(value: unknown): value is string {
  return typeof value === 'string' && value.length === 1 && !SYNTAX.includes(value);
}
