import type { StreamTransport } from '../transport/StreamTransport';

/** Acks waiting to be sent together, and the promise their callers hold. */
interface PendingAcks {
  readonly ids: string[];
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** The acks of one stream and group: at most one `XACK` in flight, the next ones gathering meanwhile. */
interface Lane {
  readonly key: string;
  readonly group: string;
  queued: PendingAcks | undefined;
  sending: Promise<void> | undefined;
}

/**
 * Sends acks as few `XACK`s as possible: the acks of one tick go out together (after the current
 * synchronous work), and while one `XACK` of a stream and group is on its way, the next acks of
 * that stream and group gather for the following one. Acking a batch of 1000 costs one round
 * trip; a slow handler acking one event at a time costs about one `XACK` per round trip, not per event.
 */
export class AckCoalescer {
  private readonly lanes = new Map<string, Map<string, Lane>>();
  private scheduled = false;

  constructor(
    private readonly transport: StreamTransport,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Queues an ack; resolves once the broker has recorded it. */
  ack(key: string, group: string, id: string): Promise<void> {
    const lane = this.lane(key, group);
    if (!lane.queued) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      // A caller that does not await its ack must not crash the process; the failure is reported instead.
      done.catch((error: unknown) => this.report(error));
      lane.queued = { ids: [], done, resolve, reject };
      if (!lane.sending) this.schedule();
    }
    lane.queued.ids.push(id);
    return lane.queued.done;
  }

  /** Sends everything queued and waits until every ack is answered (rejections are left to their callers). */
  async flush(): Promise<void> {
    for (;;) {
      this.send();
      const sending = [...this.allLanes()].flatMap((lane) => (lane.sending ? [lane.sending] : []));
      if (sending.length === 0) return;
      await Promise.allSettled(sending);
    }
  }

  private lane(key: string, group: string): Lane {
    let byKey = this.lanes.get(group);
    if (!byKey) this.lanes.set(group, (byKey = new Map<string, Lane>()));
    let lane = byKey.get(key);
    if (!lane) byKey.set(key, (lane = { key, group, queued: undefined, sending: undefined }));
    return lane;
  }

  private *allLanes(): Generator<Lane> {
    for (const byKey of this.lanes.values()) yield* byKey.values();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.send();
    });
  }

  /** Sends the queued acks of every lane that has no `XACK` in flight. */
  private send(): void {
    for (const lane of this.allLanes()) {
      const batch = lane.queued;
      if (!batch || lane.sending) continue;
      lane.queued = undefined;
      lane.sending = this.transport
        .ack(lane.key, lane.group, batch.ids)
        .then(batch.resolve, batch.reject)
        .finally(() => {
          lane.sending = undefined;
          if (lane.queued) this.schedule();
        });
    }
  }
}
