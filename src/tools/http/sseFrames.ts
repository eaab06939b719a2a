import { encodeValue } from '../../codec/entryCodec';

/** How event data is written: superjson text (Dates, Maps, BigInts... survive), plain JSON, or your own text (may span lines). */
export type SseEncoding = 'superjson' | 'json' | ((value: unknown) => string);

/** What one SSE event carries, before framing. */
export interface SseEventParts {
  readonly id?: string | undefined;
  readonly event?: string | undefined;
  readonly data: string;
}

/** The heartbeat: a comment line, ignored by `EventSource`, that keeps proxies from closing an idle connection. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/** Encodes a value as event data, or throws (`EncodeError` for superjson). */
export function encodeData(value: unknown, encoding: SseEncoding): string {
  if (encoding === 'superjson') return encodeValue('sse', value);
  if (encoding === 'json') return JSON.stringify(value) ?? 'null';
  const text = encoding(value);
  if (typeof text !== 'string') throw new TypeError(`rx-redis-events: the SSE encoding function must return a string, got ${typeof text}`);
  return text;
}

/**
 * One event as SSE text: `id:` and `event:` fields when given, then one `data:` line per line of
 * `data` (CR, LF and CRLF all end a line, as `EventSource` reads them), then a blank line.
 */
export function formatEvent(parts: SseEventParts): string {
  let frame = '';
  if (parts.id !== undefined) frame += `id: ${field('id', parts.id)}\n`;
  if (parts.event !== undefined) frame += `event: ${field('event', parts.event)}\n`;
  const { data } = parts;
  if (data.indexOf('\n') < 0 && data.indexOf('\r') < 0) return `${frame}data: ${data}\n\n`;
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** An `id:` or `event:` value: one line, and for `id` no NUL (which makes `EventSource` ignore the id). */
function field(name: 'id' | 'event', value: string): string {
  if (typeof value !== 'string' || /[\r\n]/.test(value) || (name === 'id' && value.includes('\0'))) {
    throw new TypeError(`rx-redis-events: an SSE ${name} must be a string on one line${name === 'id' ? ' without NUL' : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}
