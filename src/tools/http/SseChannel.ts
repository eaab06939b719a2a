import { interval, type Subscription } from 'rxjs';
import type { ResolvedSseConfig } from './sseConfig';
import { encodeData, formatEvent, HEARTBEAT_FRAME } from './sseFrames';
import { SseWriter } from './SseWriter';
import type { SseSink } from './SseSink';

/** Why an SSE response ended: the source completed or failed, the client went away, it was too slow (`onSlowClient: 'close'`), or `close()` was called. */
export type SseCloseReason = 'complete' | 'error' | 'client-closed' | 'slow-client' | 'closed';

/** The headers of every SSE response. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** One SSE response being served. */
export interface SseConnection {
  /** Events waiting for the client's socket now (never more than `maxBufferedEvents`). */
  readonly buffered: number;
  /** The most events that ever waited for this client's socket. */
  readonly maxBuffered: number;
  /** Events dropped for this client (`onSlowClient: 'drop-oldest'`). */
  readonly dropped: number;
  /** Events written to the socket. */
  readonly sent: number;
  /** Resolves once the response ended, with why; the source subscription has ended by then. */
  readonly closed: Promise<SseCloseReason>;
  /** Ends the response (sending what is buffered and `event: end` with data `{ reason: 'closed' }`) and the subscription. */
  close(): void;
}

/**
 * The headers of an SSE response with `config.headers`. A Fetch `Response` goes without
 * `connection` (the runtime manages connections; HTTP/2 forbids the header).
 */
export function sseHeaders(config: { readonly headers?: Readonly<Record<string, string>> | undefined }, fetch = false): Readonly<Record<string, string>> {
  if (!fetch) return { ...SSE_HEADERS, ...config.headers };
  const { connection: _connection, ...rest } = SSE_HEADERS;
  return { ...rest, ...config.headers };
}

/**
 * An open SSE response (its headers sent by whoever opened `response`): heartbeat running, bounded writer; ends its `onClose`
 * callbacks once, whoever ends first (the client, the source, the slow-client policy, `close()`).
 */
export class SseChannel implements SseConnection {
  readonly closed: Promise<SseCloseReason>;
  private readonly writer: SseWriter;
  private readonly heartbeat: Subscription | undefined;
  private readonly cleanups: (() => void)[] = [];
  private resolveClosed!: (reason: SseCloseReason) => void;
  private done = false;

  constructor(
    private readonly response: SseSink,
    private readonly config: ResolvedSseConfig<never>,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    if (config.retryMs !== undefined) response.write(`retry: ${config.retryMs}\n\n`);
    const dropped = (count: number) => formatEvent({ event: 'dropped', data: encodeData({ dropped: count }, config.encoding) });
    this.writer = new SseWriter(response, config.maxBufferedEvents, config.onSlowClient, dropped);
    response.on('close', this.onResponseClose);
    if (config.heartbeatMs > 0) this.heartbeat = interval(config.heartbeatMs, config.scheduler).subscribe(() => this.writer.comment(HEARTBEAT_FRAME));
  }

  get buffered(): number {
    return this.writer.buffered;
  }

  get maxBuffered(): number {
    return this.writer.maxBuffered;
  }

  get dropped(): number {
    return this.writer.dropped;
  }

  get sent(): number {
    return this.writer.sent;
  }

  /** Whether the connection has ended. */
  get ended(): boolean {
    return this.done;
  }

  /** Runs `cleanup` when the response ends (at once if it has). */
  onClose(cleanup: () => void): void {
    if (this.done) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** Sends one event made by `make` (its id, event name and value); a throw from `make` or the encoder ends the response as an error. */
  send(make: () => { readonly id?: string | undefined; readonly event?: string | undefined; readonly value: unknown }): void {
    if (this.done) return;
    let frame: string;
    try {
      const { id, event, value } = make();
      frame = formatEvent({ id, event, data: encodeData(value, this.config.encoding) });
    } catch (error) {
      return this.fail(error);
    }
    if (!this.writer.event(frame)) this.finish('slow-client');
  }

  /** Resolves once the socket takes writes again, or the connection ended. */
  whenWritable(): Promise<void> {
    return this.writer.whenWritable();
  }

  /** Ends the response with `event: end` telling why (`complete`, `error` or `closed`). */
  end(reason: 'complete' | 'error' | 'closed'): void {
    if (this.done) return;
    this.writer.end(formatEvent({ event: 'end', data: encodeData({ reason }, this.config.encoding) }));
    this.finish(reason);
  }

  /** Reports `error` to `onError` and ends the response with `event: end` (`{ reason: 'error' }`). */
  fail(error: unknown): void {
    if (this.done) return;
    this.config.onError(error);
    this.end('error');
  }

  close(): void {
    this.end('closed');
  }

  private readonly onResponseClose = (): void => {
    this.finish(this.writer.overflowed ? 'slow-client' : 'client-closed');
  };

  private finish(reason: SseCloseReason): void {
    if (this.done) return;
    this.done = true;
    this.heartbeat?.unsubscribe();
    this.writer.dispose();
    this.response.off('close', this.onResponseClose);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.resolveClosed(reason);
  }
}
