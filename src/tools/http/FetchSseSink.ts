import type { SseSink } from './SseSink';

/** How many frames the body holds for a reader that does not read (the `SseWriter`'s own queue comes after). */
const BODY_HIGH_WATER_MARK = 16;

/**
 * An {@link SseSink} that is the body of a Fetch `Response`: a pull-based `ReadableStream` of UTF-8
 * bytes. A write reports the body full once it holds {@link BODY_HIGH_WATER_MARK} frames the reader
 * has not taken; the stream asking for more (`pull`) is the 'drain'; the body cancelled (the client
 * went away) is the 'close'.
 */
export class FetchSseSink implements SseSink {
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private readonly encoder = new TextEncoder();
  private readonly listeners = { drain: new Set<() => void>(), close: new Set<() => void>() };
  private full = false;
  private finished = false;

  constructor() {
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => void (this.controller = controller),
        pull: () => {
          if (!this.full) return;
          this.full = false;
          for (const listener of [...this.listeners.drain]) listener();
        },
        cancel: () => {
          this.finished = true;
          for (const listener of [...this.listeners.close]) listener();
        },
      },
      new CountQueuingStrategy({ highWaterMark: BODY_HIGH_WATER_MARK }),
    );
  }

  write(text: string): boolean {
    if (this.finished) return false;
    this.controller.enqueue(this.encoder.encode(text));
    this.full = (this.controller.desiredSize ?? 0) <= 0;
    return !this.full;
  }

  end(text: string): void {
    if (this.finished) return;
    if (text !== '') this.controller.enqueue(this.encoder.encode(text));
    this.finished = true;
    this.controller.close();
  }

  destroy(): void {
    if (this.finished) return;
    this.finished = true;
    this.controller.error(new Error('rx-redis-events: SSE client too slow (onSlowClient: close)'));
  }

  on(event: 'drain' | 'close', listener: () => void): void {
    this.listeners[event].add(listener);
  }

  off(event: 'drain' | 'close', listener: () => void): void {
    this.listeners[event].delete(listener);
  }
}
