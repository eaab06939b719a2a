import { inspect } from 'node:util';

/** Longest preview of a value in an assertion message, in characters. */
export const PREVIEW_LENGTH = 80;

/**
 * A short, one-line JSON view of a value for assertion messages: errors as `Name: message`,
 * deliveries as `"delivery <id>"`, `undefined`, `NaN` and bigints written as in code, functions
 * left out, cut at `max` characters with `…`.
 */
export function preview(value: unknown, max = PREVIEW_LENGTH): string {
  const text = value instanceof Error ? errorText(value) : json(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Marks a string that is written without quotes: JSON has no literal for it. */
const BARE = '\u0000';

function json(value: unknown): string {
  try {
    const text = JSON.stringify(value, replacer) ?? String(value);
    return text.replace(/"\\u0000([^"]*)"/g, '$1');
  } catch {
    return inspect(value, { depth: 2, breakLength: Infinity });
  }
}

function replacer(key: string, value: unknown): unknown {
  if (typeof value === 'function') return key === '' ? `${BARE}[Function ${value.name || 'anonymous'}]` : undefined;
  if (value instanceof Error) return errorText(value);
  if (typeof value === 'bigint') return `${BARE}${value}n`;
  if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return `${BARE}${String(value)}`;
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (isDeliveryLike(value)) return `delivery ${value.id}`;
  return value;
}

function errorText(error: Error): string {
  return `${error.name}: ${error.message}`;
}

function isDeliveryLike(value: unknown): value is { id: string } {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.id === 'string' && typeof candidate.ack === 'function' && typeof candidate.nack === 'function';
}
