import type { SchedulerLike } from 'rxjs';
import type { EventStream } from '../definitions/eventStream';
import type { Instrument } from '../instrumentation/Instrument';
import { requireCapability, type StreamTransport } from '../transport/StreamTransport';

/** Least time between two automatic trims of one stream, in ms. */
export const AUTO_TRIM_INTERVAL_MS = 1000;

/**
 * Applies streams' retention limits: on demand, and after produce at most once per
 * {@link AUTO_TRIM_INTERVAL_MS} per stream, in the background, so producing pays next to nothing.
 */
export class RetentionTrimmer {
  private readonly lastRun = new Map<string, number>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly transport: StreamTransport,
    private readonly scheduler: SchedulerLike,
    private readonly report: (error: unknown) => void,
    private readonly instrument: Instrument,
  ) {}

  /** Trims one partition (`key`) now, `maxLength` split evenly over the partitions; resolves with the number of entries removed (0 for a stream without retention). */
  async trim(stream: EventStream<unknown>, key: string): Promise<number> {
    const retention = stream.retention;
    if (!retention) return 0;
    this.lastRun.set(key, this.scheduler.now());
    const trimmed = requireCapability(this.transport, 'admin', 'trim').trim(key, {
      ...(retention.maxLength !== undefined ? { maxLength: Math.ceil(retention.maxLength / stream.partitions) } : {}),
      ...(retention.maxAge !== undefined ? { minTimestampMs: this.scheduler.now() - retention.maxAge } : {}),
      unsafe: retention.unsafeHardLimit === true,
    });
    return trimmed.then((removed) => {
      if (removed > 0 && this.instrument.on) this.instrument.emit({ type: 'retention.trimmed', stream: stream.name, removed });
      return removed;
    });
  }

  /** Called after produce: trims in the background when the stream is due. */
  afterProduce(stream: EventStream<unknown>, key: string): void {
    if (!stream.retention) return;
    const last = this.lastRun.get(key);
    if (last !== undefined && this.scheduler.now() - last < AUTO_TRIM_INTERVAL_MS) return;
    const run = this.trim(stream, key).catch(this.report);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves once background trims have finished (before the service disconnects). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
