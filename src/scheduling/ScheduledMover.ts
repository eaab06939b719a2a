import { defer, EMPTY, expand, map, merge, retry, startWith, Subject, switchMap, timer, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { EventStream } from '../definitions/eventStream';
import { partitionKeys, scheduledKeysOf } from '../partitions/streamLayout';
import type { MoveResult, ScheduledEntries } from '../transport/scheduledEntries';

/** Most due events one move appends to a partition (one script); more due ones are moved by the next, at once. */
export const MOVE_BATCH = 500;
/**
 * After a move that appended something, the next waits at least this long (ms), so that events
 * coming due one after another are moved in batches, not one call each: the most a scheduled event
 * is late by this. A move that found nothing due waits exactly until the next due time.
 */
export const MOVE_GAP_MS = 50;
/** How long a mover waits after a failed move before it tries again, in ms. */
export const MOVE_RETRY_MS = 1000;

/** What the movers of one service work with. */
export interface MoverParts {
  readonly prefix: string;
  readonly scheduler: SchedulerLike;
  readonly scheduling: ScheduledEntries;
  readonly report: (error: unknown) => void;
  /** Told after a move appended to a partition (retention trims after it, as after a produce). */
  readonly afterMove: (stream: EventStream<unknown>, key: string) => void;
}

/** The movers of one stream: how many consume subscriptions want them, what wakes each partition's, and what ends them. */
interface StreamMovers {
  users: number;
  readonly keys: readonly string[];
  readonly subscription: Subscription;
  readonly wakes: readonly Subject<void>[];
  /** By partition: whether its last move left events waiting (its mover waits for the next due time). */
  readonly waiting: boolean[];
}

/**
 * Moves one service's due scheduled events onto the streams it consumes (any group): while at least
 * one `consume` subscription of a stream runs, each partition has a mover that appends what is due in
 * one script, then waits on the scheduler for the next due time (at least {@link MOVE_GAP_MS} after a
 * move that appended something). An event scheduled earlier than every other of its partition, by
 * any instance, appends a wake to the partition's wake stream, which the consumers read with their
 * partitions and pass on ({@link wake}): a wake reaches one consumer of each group. Movers that stop
 * while events wait in their partition append a wake there, so that a consumer still running takes
 * their timers over. No polling: a partition with nothing waiting costs nothing until a wake.
 */
export class ScheduledMover {
  private readonly streams = new Map<string, StreamMovers>();
  /** The ends under way: their wakes are being appended. */
  private readonly ending = new Set<Promise<void>>();

  constructor(private readonly parts: MoverParts) {}

  /**
   * Starts the stream's movers unless they run; returns what stops them once every follower stopped
   * (call it once the follower reads no more wakes: the wakes they append are for the others).
   */
  follow(stream: EventStream<unknown>): () => void {
    const movers = this.streams.get(stream.name) ?? this.start(stream);
    movers.users++;
    let followed = true;
    return () => {
      if (!followed) return;
      followed = false;
      if (--movers.users > 0) return;
      this.streams.delete(stream.name);
      this.end(movers);
    };
  }

  /** Wakes the mover of `stream`'s partition `partition`: it moves what is due at once (nothing when the stream is not followed). */
  wake(stream: EventStream<unknown>, partition: number): void {
    this.streams.get(stream.name)?.wakes[partition]?.next();
  }

  /** Stops every mover (the service closes, its consumers read no more wakes); resolves once every end's wakes are appended. */
  async stop(): Promise<void> {
    for (const movers of this.streams.values()) this.end(movers);
    this.streams.clear();
    await Promise.all(this.ending);
  }

  private start(stream: EventStream<unknown>): StreamMovers {
    const keys = partitionKeys(this.parts.prefix, stream);
    const wakes = keys.map(() => new Subject<void>());
    const waiting = keys.map(() => false);
    const moves = merge(...keys.map((key, partition) => this.partitionMover(key, wakes[partition] as Subject<void>).pipe(map((result) => ({ key, partition, result })))));
    const subscription = moves.subscribe(({ key, partition, result: { moved, nextInMs } }) => {
      waiting[partition] = nextInMs !== undefined || moved >= MOVE_BATCH;
      if (moved > 0) this.parts.afterMove(stream, key);
    });
    const movers: StreamMovers = { users: 0, keys, subscription, wakes, waiting };
    this.streams.set(stream.name, movers);
    return movers;
  }

  /** Stops the stream's movers; each partition where events wait gets a wake, for a mover that still runs (a failure is reported). */
  private end(movers: StreamMovers): void {
    movers.subscription.unsubscribe();
    const { scheduling, report } = this.parts;
    const wakes = movers.keys.filter((_, partition) => movers.waiting[partition]).map((key) => scheduling.wake(scheduledKeysOf(key)).catch(report));
    if (wakes.length === 0) return;
    const ending = Promise.all(wakes).then(() => void this.ending.delete(ending));
    this.ending.add(ending);
  }

  /** Moves what is due now, then at each next due time; a wake starts over with a move at once. */
  private partitionMover(key: string, wake: Observable<void>): Observable<MoveResult> {
    const { scheduling, scheduler, report } = this.parts;
    const keys = scheduledKeysOf(key);
    const move = defer(() => scheduling.moveDue(keys, MOVE_BATCH));
    const cycle = move.pipe(
      expand(({ moved, nextInMs }) => {
        if (moved >= MOVE_BATCH) return move;
        if (nextInMs === undefined) return EMPTY;
        return timer(Math.max(nextInMs, moved > 0 ? MOVE_GAP_MS : 0), scheduler).pipe(switchMap(() => move));
      }),
      retry({ delay: (error: unknown) => (report(error), timer(MOVE_RETRY_MS, scheduler)) }),
    );
    return wake.pipe(
      startWith(undefined),
      switchMap(() => cycle),
    );
  }
}
