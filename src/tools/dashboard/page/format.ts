/** How the page writes values, counts and times (browser code, no dependencies). */

/** Longest value text shown in a cell. */
const MAX_VALUE_LENGTH = 400;
const MAX_DEPTH = 5;

/**
 * A decoded value as text, the way the CLI's `tail` prints it (Node's `util.inspect` style):
 * `{ orderId: 'o1', at: 2025-01-01T12:00:00.000Z, tags: Set(2) { 'a', 'b' } }`.
 */
export function showValue(value: unknown): string {
  const text = show(value, 0);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

function show(value: unknown, depth: number): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${escape(value)}'`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '[Function]';
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (value instanceof URL) return `URL ${value.href}`;
  if (value instanceof Error) return `[${value.name}: ${value.message}]`;
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  const inner = (item: unknown) => show(item, depth + 1);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(inner).join(', ')} ]`;
  if (value instanceof Map) return `Map(${value.size}) ${braces([...value].map(([key, item]) => `${inner(key)} => ${inner(item)}`))}`;
  if (value instanceof Set) return `Set(${value.size}) ${braces([...value].map(inner))}`;
  return braces(Object.entries(value).map(([key, item]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${escape(key)}'`}: ${inner(item)}`));
}

function braces(items: readonly string[]): string {
  return items.length === 0 ? '{}' : `{ ${items.join(', ')} }`;
}

function escape(text: string): string {
  return text.replace(/[\\']/g, (character) => `\\${character}`).replace(/\n/g, '\\n');
}

/** A count with thousands separators; `?` when unknown. */
export function count(value: number | null): string {
  return value === null ? '?' : value.toLocaleString('en-US');
}

/** A duration in ms as `850ms`, `1.2s`, `3m04s`, `2h05m`; `-` when there is none. */
export function duration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
}

/** When an entry was produced, from its id: `2025-01-01 12:00:00.000` (UTC). */
export function idTime(id: string): string {
  const ms = Number(id.split('-')[0]);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : '-';
}
