import { firstValueFrom, Observable, take, timeout, toArray } from 'rxjs';
import type { EventService, EventStream } from '../../src';
import { eventually } from '../support/eventually';

/** Collects exactly `count` values, failing after `ms`. */
export function collect<T>(source: Observable<T>, count: number, ms = 5000): Promise<T[]> {
  return firstValueFrom(source.pipe(take(count), toArray(), timeout(ms)));
}

/** A name unique to this run. */
export function uniqueName(base: string): string {
  return `${base}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Waits until each of `groups` exists on every partition of `stream`, so that what is produced next
 * reaches them (a group that starts at new entries sees only what comes after it is created).
 */
export function waitForGroups<T>(service: EventService, stream: EventStream<T>, groups: readonly string[], ms = 5000): Promise<void> {
  return eventually(`groups ${groups.join(', ')} of ${stream.name}`, async () => {
    const { partitions } = await service.describe(stream);
    return partitions.every((partition) => groups.every((group) => partition.groups.some((g) => g.name === group)));
  }, ms);
}
