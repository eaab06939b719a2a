import type { StreamTransport } from '../transport/StreamTransport';

/** Acks of one stream that go out together, as the callers of each hold them. */
export interface PendingAck {
  /**
   * Calls `recorded` once the broker has recorded the acks (in the same frame as it answers, also in
   * virtual time), or `refused` with the transport's error; at once when it has answered already.
   */
  whenAnswered(recorded: () => void, refused: (error: unknown) => void): void;
  /** The same answer as a promise, for `Delivery.ack()`; a rejection nobody awaits is reported, never unhandled. */
  readonly done: Promise<void>;
}

/** The answer of the broker to a {@link PendingAck}. */
type AckAnswer = { readonly recorded: true } | { readonly recorded: false; readonly error: unknown };

/** A {@link PendingAck} answered already (a refusal before anything was sent, such as a closed service). */
export function refusedAck(error: unknown): PendingAck {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the refusal's own error, passed on as it is
  const done = Promise.reject(error);
  done.catch(() => undefined);
  return { whenAnswered: (_recorded, refused) => refused(error), done };
}

/** Acks waiting to be sent together: their ids, who waits for the answer, and the answer once it came. */
class QueuedAcks implements PendingAck {
  readonly ids: string[] = [];
  readonly done: Promise<void>;
  private answer: AckAnswer | undefined;
  private waiting: [recorded: () => void, refused: (error: unknown) => void][] = [];
  private settle!: (answer: AckAnswer) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the transport's own error, passed on as it is
      this.settle = (answer) => (answer.recorded ? resolve() : reject(answer.error));
    });
    // A caller that does not await its ack must not crash the process; the failure is reported instead (once per call, in `sendLanes`).
    this.done.catch(() => undefined);
  }

  whenAnswered(recorded: () => void, refused: (error: unknown) => void): void {
    const { answer } = this;
    if (!answer) this.waiting.push([recorded, refused]);
    else if (answer.recorded) recorded();
    else refused(answer.error);
  }

  /** The broker answered: tells everyone waiting, in the order they asked. */
  answered(answer: AckAnswer): void {
    this.answer = answer;
    this.settle(answer);
    const waiting = this.waiting;
    this.waiting = [];
    for (const [recorded, refused] of waiting) {
      if (answer.recorded) recorded();
      else refused(answer.error);
    }
  }
}

const RECORDED: AckAnswer = { recorded: true };

/** The acks of one stream and group: at most one batch on its way, the next ones gathering meanwhile. */
interface Lane {
  readonly key: string;
  readonly group: string;
  queued: QueuedAcks | undefined;
  /** The acks on their way. */
  sending: QueuedAcks | undefined;
}

/**
 * Sends acks in as few round trips as possible: the acks queued until `soon` runs its work go out
 * together, one transport call per group over every stream that has acks (the service's `soon` is
 * `afterThisWork`: after the current synchronous work, which is a microtask, or under
 * `TestScheduler.run` the same virtual frame), and while the acks of a stream and group are on their
 * way, the next acks of that stream and group gather for the following call. Acking a batch of 1000, or
 * the batches of 16 partitions read together, costs one round trip; a slow handler acking one event at
 * a time costs about one call per round trip, not per event.
 */
export class AckCoalescer {
  private readonly lanes = new Map<string, Map<string, Lane>>();
  private scheduled = false;
  /** What `soon` runs: sends what is queued (one function for every call). */
  private readonly sendScheduled = (): void => {
    this.scheduled = false;
    this.send();
  };

  /**
   * @param transport Where the acks go.
   * @param report Told about each failed call, once (its callers' promises reject as well).
   * @param soon Runs the sending of queued acks: when they go out.
   */
  constructor(
    private readonly transport: StreamTransport,
    private readonly report: (error: unknown) => void,
    private readonly soon: (work: () => void) => void,
  ) {}

  /** Queues an ack; what it returns answers once the broker has recorded it (shared by the acks sent with it). */
  ack(key: string, group: string, id: string): PendingAck {
    const lane = this.lane(key, group);
    if (!lane.queued) {
      lane.queued = new QueuedAcks();
      if (!lane.sending) this.schedule();
    }
    lane.queued.ids.push(id);
    return lane.queued;
  }

  /** Sends everything queued and waits until every ack is answered (rejections are left to their callers). */
  async flush(): Promise<void> {
    for (;;) {
      this.send();
      const sending = [...this.allLanes()].flatMap((lane) => (lane.sending ? [lane.sending.done] : []));
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
    this.soon(this.sendScheduled);
  }

  /** Sends the queued acks of every lane that has none on its way: one call per group, over every stream with acks. */
  private send(): void {
    for (const [group, byKey] of this.lanes) {
      const lanes: Lane[] = [];
      for (const lane of byKey.values()) if (lane.queued && !lane.sending) lanes.push(lane);
      if (lanes.length > 0) this.sendLanes(group, lanes);
    }
  }

  private sendLanes(group: string, lanes: readonly Lane[]): void {
    const sending = lanes.map((lane) => {
      const batch = lane.queued as QueuedAcks;
      lane.queued = undefined;
      lane.sending = batch;
      return { lane, batch };
    });
    this.transport.ack(group, sending.map(({ lane, batch }) => ({ key: lane.key, ids: batch.ids }))).subscribe(new AckCall(sending, this.answerLanes, this.report));
  }

  /** The ack call of `sending` was answered with `answer`: each lane may send what queued meanwhile. */
  private readonly answerLanes = (sending: readonly SendingLane[], answer: AckAnswer): void => {
    for (const { lane, batch } of sending) {
      lane.sending = undefined;
      if (lane.queued) this.schedule();
      batch.answered(answer);
    }
  };
}

/** A lane and the acks it sends in one call. */
interface SendingLane {
  readonly lane: Lane;
  readonly batch: QueuedAcks;
}

/**
 * The observer of one ack call: methods, not arrow functions in an object literal made per call (tsx,
 * with esbuild `keepNames`, names each of those).
 */
class AckCall {
  constructor(
    private readonly sending: readonly SendingLane[],
    private readonly answer: (sending: readonly SendingLane[], answer: AckAnswer) => void,
    private readonly report: (error: unknown) => void,
  ) {}

  error(error: unknown): void {
    this.report(error);
    this.answer(this.sending, { recorded: false, error });
  }

  complete(): void {
    this.answer(this.sending, RECORDED);
  }
}
