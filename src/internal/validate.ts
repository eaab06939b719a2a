const MAX_NAME_LENGTH = 256;

/**
 * Characters no name or prefix may hold, with why: `{`/`}` are Redis Cluster hash tags (the library
 * places its own), whitespace breaks command lines and ACL rules, and `*`, `?`, `[`, `]`, `\` are glob
 * syntax that would break ACL key and channel patterns such as `~<prefix>*`.
 */
const FORBIDDEN: readonly (readonly [RegExp, string])[] = [
  // eslint-disable-next-line no-control-regex
  [/[\u0000-\u001f\u007f]/, 'control characters'],
  [/\s/u, 'whitespace'],
  [/[{}]/, '"{" or "}" (Redis Cluster hash tags)'],
  [/[*?[\]\\]/, 'glob characters *, ?, [, ] or \\ (they would break ACL key patterns)'],
];

/**
 * Throws a `TypeError` naming `what` unless `value` is a usable stream, channel, group or consumer
 * name: a non-empty string of at most 256 characters without control characters, whitespace,
 * `{`, `}`, `*`, `?`, `[`, `]` or `\`.
 */
export function assertName(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new TypeError(`rx-redis-events: ${what} must be a non-empty string, got ${describe(value)}`);
  }
  if (value.length === 0 || value.trim().length === 0) {
    throw new TypeError(`rx-redis-events: ${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  assertCharacters(value, what);
}

/**
 * Throws a `TypeError` unless `value` is a usable key prefix: a string (empty allowed) under the
 * same rules as names. It may end with `:`, the usual separator.
 */
export function assertPrefix(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`rx-redis-events: ${what} must be a string, got ${describe(value)}`);
  assertCharacters(value, what);
}

function assertCharacters(value: string, what: string): void {
  if (value.length > MAX_NAME_LENGTH) {
    throw new TypeError(`rx-redis-events: ${what} must be at most ${MAX_NAME_LENGTH} characters, got ${value.length}`);
  }
  for (const [pattern, problem] of FORBIDDEN) {
    if (pattern.test(value)) throw new TypeError(`rx-redis-events: ${what} must not contain ${problem}, got ${JSON.stringify(value)}`);
  }
}

/** Throws a `RangeError` naming `what` unless `value` is an integer within `[min, max]`. */
export function assertInteger(value: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const bounds = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new RangeError(`rx-redis-events: ${what} must be an integer ${bounds}, got ${describe(value)}`);
  }
}

/** Throws a `RangeError` naming `what` unless `value` is a finite number >= `min`, or `Infinity` when allowed. */
export function assertDuration(value: unknown, what: string, min = 0, allowInfinity = false): asserts value is number {
  const ok = typeof value === 'number' && value >= min && (value <= MAX_TIMER_MS || (allowInfinity && value === Infinity));
  if (!ok) {
    const range = allowInfinity ? `between ${min} and ${MAX_TIMER_MS}, or Infinity` : `between ${min} and ${MAX_TIMER_MS}`;
    throw new RangeError(`rx-redis-events: ${what} must be a number of milliseconds ${range}, got ${describe(value)}`);
  }
}

/** The longest delay a timer can wait (2^31 - 1 ms, about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A short description of a bad value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
