import { catchError, defer, exhaustMap, filter, map, merge, Observable, of, ReplaySubject, share, startWith, switchMap, timeout, timer, type SchedulerLike } from 'rxjs';
import type { EventStream } from '../../definitions/eventStream';
import type { StreamDescription } from '../../describe/StreamDescription';
import type { EventService } from '../../service/EventService';
import type { Overview, StreamSummary } from './protocol';

/** Where the overview comes from. */
export interface OverviewSource {
  /** Reads `describe` and `health`; its `instrumentation$` tells about lost and restored connections. */
  readonly service: EventService;
  /** The streams to describe (found again at every poll). */
  readonly discover: () => Promise<readonly EventStream<unknown>[]>;
  /** Time between polls, in ms. */
  readonly pollMs: number;
  /** A poll that takes longer fails with a timeout (the last streams are shown with the error). */
  readonly pollTimeoutMs: number;
  /** An extra poll at once, such as after a redrive. */
  readonly refresh$: Observable<unknown>;
  readonly scheduler: SchedulerLike;
}

/**
 * **Hot**, shared by every page: the streams under the prefix with their figures, read with
 * `describe` every `pollMs` (on the scheduler) and at once when `refresh$` emits or the command
 * connection is lost or restored (`instrumentation$`). A new subscriber gets the latest overview at
 * once; polling stops when the last subscriber unsubscribes. A failed poll emits the last streams with
 * `error` set; it never errors.
 *
 * ```text
 * timer:     0----1s---2s---            refresh$: ----r---
 * overview:  o----o----o-o--            (a poll still running absorbs the triggers that come meanwhile)
 * ```
 */
export function overview$(source: OverviewSource): Observable<Overview> {
  let last: Overview = { at: 0, connection: 'ready', warnings: [], streams: [], error: null };
  const connection$ = source.service.instrumentation$.pipe(
    filter((event) => (event.type === 'connection.lost' || event.type === 'connection.restored') && event.connection === 'command'),
    map((event): Overview['connection'] => (event.type === 'connection.lost' ? 'lost' : 'ready')),
    startWith<Overview['connection']>('ready'),
  );
  const poll = (connection: Overview['connection']) =>
    defer(() => snapshot(source, connection)).pipe(
      timeout({ first: source.pollTimeoutMs, scheduler: source.scheduler }),
      catchError((error: unknown) => of({ ...last, at: source.scheduler.now(), connection, error: error instanceof Error ? error.message : String(error) })),
      map((overview) => (last = overview)),
    );
  return connection$.pipe(
    switchMap((connection) => merge(timer(0, source.pollMs, source.scheduler), source.refresh$).pipe(exhaustMap(() => poll(connection)))),
    share({ connector: () => new ReplaySubject<Overview>(1), resetOnRefCountZero: true }),
  );
}

async function snapshot(source: OverviewSource, connection: Overview['connection']): Promise<Overview> {
  const streams = await source.discover();
  const [descriptions, health] = await Promise.all([Promise.all(streams.map((stream) => source.service.describe(stream))), source.service.health()]);
  return { at: source.scheduler.now(), connection, warnings: health.warnings.map(({ code, message }) => ({ code, message })), streams: descriptions.map(summarize), error: null };
}

/** A stream's description as the page shows it. */
export function summarize(description: StreamDescription): StreamSummary {
  const groups = description.groups.map((group) => ({
    name: group.name,
    consumers: new Set(group.consumers.map((consumer) => consumer.name)).size, // a consumer of several partitions is listed once per partition
    pending: group.pending,
    lag: group.lag ?? null,
    lastDeliveredId: group.lastDeliveredId,
    oldestPendingAgeMs: group.oldestPendingAgeMs ?? null,
    deadLetters: group.deadLetters ?? null,
  }));
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  return {
    stream: description.stream,
    partitions: description.partitions.length,
    length: description.length,
    lastId: description.lastId ?? null,
    consumers: sum(groups.map((group) => group.consumers)),
    pending: sum(groups.map((group) => group.pending)),
    lag: groups.some((group) => group.lag === null) ? null : sum(groups.map((group) => group.lag ?? 0)),
    deadLetters: description.deadLetters,
    groups,
  };
}
