import type { StreamSnapshot } from '../StreamSnapshot';
import type { GroupAdmin, StreamAdmin } from '../streamCapabilities';
import type { GroupMove, StoredEntry, TrimLimits } from '../streamEntries';
import type { RedisConnections } from './connect';
import { describeRedisStream } from './describeRedisStream';
import { guarded, guardedScript } from './guarded';
import { toStoredEntries } from './replies';
import { REDRIVE } from './scripts/deadLetter';
import { ENTRIES_READ_COUNT_LIMIT, GROUP_AT, REMOVE_GROUP } from './scripts/groups';
import { TRIM } from './scripts/trim';

/** Most entries one trim scans to find what the length limit allows. */
const TRIM_SCAN = 10_000;

/**
 * {@link StreamAdmin} and {@link GroupAdmin} on Redis, on the command connection: reads streams outside
 * any group (`XRANGE`, `XREVRANGE`, `XINFO`), and trims them, redrives dead letters and moves or removes
 * groups with scripts. What the admin operations of a service use (`describe`, `read`, `trim`,
 * `redrive`, `moveGroup`...); no consumer or producer does.
 */
export class RedisStreamAdmin implements StreamAdmin, GroupAdmin {
  /** @param connections The connections of the transport this belongs to. */
  constructor(private readonly connections: RedisConnections) {}

  describe(key: string, deadLetterKey: string): Promise<StreamSnapshot> {
    return guarded(this.connections, 'describe', () => describeRedisStream(this.connections.command, key, deadLetterKey));
  }

  async readAfter(key: string, after: string, count: number): Promise<StoredEntry[]> {
    return toStoredEntries(await guarded(this.connections, 'readAfter', () => this.connections.command.xrange(key, `(${after}`, '+', 'COUNT', count)));
  }

  async lastId(key: string): Promise<string | undefined> {
    const [last] = await guarded(this.connections, 'lastId', () => this.connections.command.xrevrange(key, '+', '-', 'COUNT', 1));
    return last?.[0];
  }

  async trim(key: string, limits: TrimLimits): Promise<number> {
    const args = [limits.maxLength ?? '', limits.minTimestampMs === undefined ? '' : `${Math.floor(limits.minTimestampMs)}-0`, limits.unsafe ? '1' : '0', TRIM_SCAN];
    return Number(await guardedScript(this.connections, 'trim', TRIM, [key], args));
  }

  async readDeadLetters(deadLetterKey: string, count: number): Promise<StoredEntry[]> {
    return toStoredEntries(await guarded(this.connections, 'readDeadLetters', () => this.connections.command.xrange(deadLetterKey, '-', '+', 'COUNT', count)));
  }

  async redrive(key: string, deadLetterKey: string, id: string): Promise<string | undefined> {
    const reply = await guardedScript(this.connections, 'redrive', REDRIVE, [key, deadLetterKey], [id]);
    return typeof reply === 'string' ? reply : undefined;
  }

  async moveGroup(key: string, group: string, to: GroupMove): Promise<boolean> {
    const at = to === 'start' ? '0' : to === 'end' ? '$' : to.afterId;
    return Number(await guardedScript(this.connections, 'moveGroup', GROUP_AT, [key], [group, 'move', at, ENTRIES_READ_COUNT_LIMIT])) === 1;
  }

  async removeGroup(key: string, group: string): Promise<boolean> {
    return Number(await guardedScript(this.connections, 'removeGroup', REMOVE_GROUP, [key], [group])) === 1;
  }
}
