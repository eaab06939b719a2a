import type { StreamTransport } from '../transport/StreamTransport';

interface PendingAcks {
  readonly key: string;
  readonly group: string;
  readonly ids: string[];
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects the acks of one tick and sends them as one `XACK` per stream and group, after the
 * current synchronous work (a microtask), so acking a batch of 1000 costs one round trip.
 */
export class AckCoalescer {
  /** Acks waiting for the end of the tick, by group and stream key. */
  private batches = new Map<string, Map<string, PendingAcks>>();
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly transport: StreamTransport,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Queues an ack; resolves once the broker has recorded it. */
  ack(key: string, group: string, id: string): Promise<void> {
    let byKey = this.batches.get(group);
    if (!byKey) this.batches.set(group, (byKey = new Map<string, PendingAcks>()));
    let batch = byKey.get(key);
    if (!batch) {
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.send());
      }
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      // A caller that does not await its ack must not crash the process; the failure is reported instead.
      done.catch((error: unknown) => this.report(error));
      batch = { key, group, ids: [], done, resolve, reject };
      byKey.set(key, batch);
    }
    batch.ids.push(id);
    return batch.done;
  }

  /** Sends what is queued and waits until every ack sent so far is answered (rejections are left to their callers). */
  async flush(): Promise<void> {
    this.send();
    await Promise.allSettled([...this.inFlight]);
  }

  private send(): void {
    this.scheduled = false;
    const batches = this.batches;
    if (batches.size === 0) return;
    this.batches = new Map();
    for (const batch of [...batches.values()].flatMap((byKey) => [...byKey.values()])) {
      const sent = this.transport.ack(batch.key, batch.group, batch.ids).then(batch.resolve, batch.reject);
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    }
  }
}
