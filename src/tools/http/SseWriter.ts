import type { SseSink } from './SseSink';

/** What a full buffer does to a client that does not keep up: forget its oldest events, or close its connection. */
export type SlowClientPolicy = 'drop-oldest' | 'close';

/**
 * Writes SSE frames to one response (a `node:http` response or a Fetch body) without ever holding more than `maxBuffered` of them: while
 * `response.write()` says the socket is full, frames wait in a bounded queue until 'drain'; a frame
 * that finds the queue full drops the oldest one (counted, and announced by `droppedFrame` before
 * the next frame written) or closes the connection.
 */
export class SseWriter {
  /** Frames waiting for 'drain', oldest at `head`. */
  private queue: string[] = [];
  private head = 0;
  private waiting = false;
  private droppedSinceNotice = 0;
  private writableWaiters: (() => void)[] = [];
  /** True once the writer closed the connection because of a full buffer. */
  overflowed = false;
  closed = false;
  /** Events handed to the socket. */
  sent = 0;
  /** Events dropped in all. */
  dropped = 0;
  /** The most events ever waiting in the queue. */
  maxBuffered = 0;

  constructor(
    private readonly response: SseSink,
    private readonly maxBufferedEvents: number,
    private readonly policy: SlowClientPolicy,
    private readonly droppedFrame: (count: number) => string,
  ) {
    response.on('drain', this.onDrain);
  }

  /** Events waiting for the socket now. */
  get buffered(): number {
    return this.queue.length - this.head;
  }

  /** Whether a frame written now goes to the socket rather than to the queue. */
  get writable(): boolean {
    return !this.waiting && !this.closed;
  }

  /** Writes or queues one event frame; false when the connection is closed (or was just closed for overflowing). */
  event(frame: string): boolean {
    if (this.closed) return false;
    if (!this.waiting) {
      this.write(frame);
      this.sent++;
      return true;
    }
    if (this.buffered >= this.maxBufferedEvents) {
      if (this.policy === 'close') return this.overflow();
      this.head++;
      this.dropped++;
      this.droppedSinceNotice++;
    }
    this.queue.push(frame);
    if (this.buffered > this.maxBuffered) this.maxBuffered = this.buffered;
    if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact();
    return true;
  }

  /** Writes a frame that is not an event (a heartbeat) only when the socket takes it at once. */
  comment(frame: string): void {
    if (this.writable) this.write(frame);
  }

  /** Resolves once the socket takes writes (at once when it does), or the connection closed. */
  whenWritable(): Promise<void> {
    if (!this.waiting || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => this.writableWaiters.push(resolve));
  }

  /** Writes what is queued and `last`, then ends the response. */
  end(last: string | undefined): void {
    if (this.closed) return;
    let rest = this.noticeOfDrops() + this.queue.slice(this.head).join('');
    if (last !== undefined) rest += last;
    this.sent += this.buffered;
    this.queue = [];
    this.head = 0;
    this.closed = true;
    this.response.end(rest);
    this.release();
  }

  /** Forgets the queue and stops writing (the connection is gone). */
  dispose(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.response.off('drain', this.onDrain);
    this.release();
  }

  private readonly onDrain = (): void => {
    this.waiting = false;
    const notice = this.noticeOfDrops();
    if (notice) this.write(notice);
    while (!this.waiting && this.buffered > 0) {
      const frame = this.queue[this.head] as string;
      this.head++;
      this.sent++;
      this.write(frame);
    }
    if (this.buffered === 0) {
      this.queue = [];
      this.head = 0;
    }
    if (!this.waiting) this.release();
  };

  private write(frame: string): void {
    if (!this.response.write(frame)) this.waiting = true;
  }

  private noticeOfDrops(): string {
    if (this.droppedSinceNotice === 0) return '';
    const frame = this.droppedFrame(this.droppedSinceNotice);
    this.droppedSinceNotice = 0;
    return frame;
  }

  private overflow(): false {
    this.overflowed = true;
    this.dispose();
    this.response.destroy();
    return false;
  }

  private compact(): void {
    this.queue = this.queue.slice(this.head);
    this.head = 0;
  }

  private release(): void {
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
