import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { SseEncoding } from './sseFrames';
import type { SlowClientPolicy } from './SseWriter';

/** How an SSE response is written; every field is optional. */
export interface SseConfig<T> {
  /** The `id:` of each event (what the browser sends back as `Last-Event-ID` when it reconnects); none by default. */
  readonly id?: (value: T) => string | undefined;
  /** The `event:` of each event (the browser listens with `addEventListener(name)`); none by default (`onmessage`). */
  readonly event?: (value: T) => string | undefined;
  /** How data is encoded: `'superjson'` (default; decode with `SSE_BROWSER_DECODER_JS` or superjson's `parse`), `'json'`, or a function returning text (lines become several `data:` lines). */
  readonly encoding?: SseEncoding;
  /** A `: heartbeat` comment line this often (skipped while the socket is full), so proxies keep an idle connection open; 0 for none. Default 15,000 ms. */
  readonly heartbeatMs?: number;
  /** Most events held for a client whose socket is full. Default 1000. */
  readonly maxBufferedEvents?: number;
  /**
   * What happens when a client's buffer is full: `'drop-oldest'` (default) forgets its oldest event
   * and, once the client catches up, sends `event: dropped` with data `{ dropped: n }` (events lost
   * since the previous notice) before the rest; `'close'` ends the connection.
   */
  readonly onSlowClient?: SlowClientPolicy;
  /** The reconnection delay the browser should use, sent once as `retry:`; the browser's own default when absent. */
  readonly retryMs?: number;
  /** Extra response headers, such as CORS headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Told about the source's error (the browser only sees `event: end` with data `{ reason: 'error' }`). Default: ignored. */
  readonly onError?: (error: unknown) => void;
  /** The scheduler of the heartbeat (and of polling, for event streams). Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** The defaults of {@link SseConfig}. */
export const DEFAULT_SSE_CONFIG = {
  encoding: 'superjson',
  heartbeatMs: 15_000,
  maxBufferedEvents: 1000,
  onSlowClient: 'drop-oldest',
} as const satisfies SseConfig<unknown>;

/** An {@link SseConfig} with its defaults applied. */
export type ResolvedSseConfig<T> = SseConfig<T> & Required<Pick<SseConfig<T>, 'encoding' | 'heartbeatMs' | 'maxBufferedEvents' | 'onSlowClient' | 'scheduler' | 'onError'>>;

/** Applies the defaults and validates; throws a `TypeError`/`RangeError` naming the bad field. */
export function sseConfigWithDefaults<T>(config: SseConfig<T>): ResolvedSseConfig<T> {
  const resolved = { ...DEFAULT_SSE_CONFIG, scheduler: asyncScheduler, onError: () => undefined, ...definedFields(config) };
  integer('heartbeatMs', resolved.heartbeatMs, 0);
  integer('maxBufferedEvents', resolved.maxBufferedEvents, 1);
  if (resolved.retryMs !== undefined) integer('retryMs', resolved.retryMs, 0);
  if (resolved.onSlowClient !== 'drop-oldest' && resolved.onSlowClient !== 'close') {
    throw new TypeError(`rx-redis-events: onSlowClient must be 'drop-oldest' or 'close', got ${JSON.stringify(resolved.onSlowClient)}`);
  }
  const { encoding } = resolved;
  if (encoding !== 'superjson' && encoding !== 'json' && typeof encoding !== 'function') {
    throw new TypeError(`rx-redis-events: encoding must be 'superjson', 'json' or a function, got ${JSON.stringify(encoding)}`);
  }
  return resolved;
}

function integer(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new RangeError(`rx-redis-events: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
}

/** The fields that are not `undefined` (an explicit `undefined` keeps the default). */
function definedFields<C extends object>(config: C): Partial<C> {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as Partial<C>;
}
