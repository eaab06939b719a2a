import { firstValueFrom, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { isTransportError } from '../errors/TransportError';
import type { ReadEntry, StreamReader, StreamTransport } from '../transport/StreamTransport';

/** How long a wake reader waits after a failed read before it reads again, in ms. */
export const WAKE_RETRY_MS = 1000;

/** Who reads the wake streams, and how. */
export interface WakeReaderParts {
  readonly transport: StreamTransport;
  readonly group: string;
  /** The consume subscription's consumer: its blocking reader covers the wake streams with its partitions. */
  readonly consumer: string;
  /** The subscription's `blockMs`. */
  readonly blockMs: number;
  readonly scheduler: SchedulerLike;
  readonly report: (error: unknown) => void;
}

/**
 * Reads one partition's wake stream (`scheduleWakeKeyOf`) for one consume subscription, through the
 * consumer's blocking reader: its requests ask for any number of entries, so they join each read of the
 * consumer's partitions without sizing it, and cost no connection of their own. Each wake is acked
 * and tells `woken` (the partition's mover moves what is due). A failed read is tried again after
 * {@link WAKE_RETRY_MS}, the group created again first (a removed group); a lost connection is the
 * consumer loop's to report.
 */
export class WakeReader {
  private readonly reader: StreamReader;
  private withdraw: (() => void) | undefined;
  private retrying: Subscription | undefined;
  private stopped = false;

  constructor(
    private readonly key: string,
    private readonly parts: WakeReaderParts,
    private readonly woken: () => void,
  ) {
    this.reader = parts.transport.openReader(key, parts.group, parts.consumer);
    this.next();
  }

  /** Stops reading; what was read and not asked for again is handed back. */
  stop(): void {
    this.stopped = true;
    this.withdraw?.();
    this.retrying?.unsubscribe();
    void this.reader.close();
  }

  private next(): void {
    let asking = true;
    const answered = (entries: ReadEntry[]) => {
      // answered `[]` while asking: the reader is closing, so nothing would come
      if (asking && entries.length === 0) return;
      this.read(entries);
    };
    this.withdraw = this.reader.request(Infinity, this.parts.blockMs, answered, (error) => this.failed(error));
    asking = false;
  }

  private read(entries: readonly ReadEntry[]): void {
    if (this.stopped) return;
    if (entries.length > 0) {
      const { transport, group, report } = this.parts;
      transport.ack(group, [{ key: this.key, ids: entries.map((entry) => entry.id) }]).subscribe({ error: report });
      this.woken();
    }
    this.next();
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    const { transport, group, scheduler, report } = this.parts;
    if (!isTransportError(error, 'CONNECTION') && !isTransportError(error, 'NOGROUP')) report(error);
    this.retrying = timer(WAKE_RETRY_MS, scheduler).subscribe(() => {
      firstValueFrom(transport.ensureGroup(this.key, group, 'new'))
        .catch(() => undefined)
        .finally(() => this.stopped || this.next());
    });
  }
}
