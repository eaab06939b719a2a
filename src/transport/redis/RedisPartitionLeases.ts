import type { PartitionLeases } from '../streamCapabilities';
import type { RedisConnections } from './connect';
import { guarded, guardedScript } from './guarded';
import { ACQUIRE_LEASE, HEARTBEAT, RELEASE_LEASE } from './scripts/leases';

/**
 * {@link PartitionLeases} on Redis, on the command connection: the membership set of ordered consumers
 * is a sorted set scored by expiry, and each partition's lease a key with a time to live; both are timed
 * by the server's clock (`TIME`, `PX`), whatever the clients' clocks say.
 */
export class RedisPartitionLeases implements PartitionLeases {
  /** @param connections The connections of the transport this belongs to. */
  constructor(private readonly connections: RedisConnections) {}

  async heartbeat(membersKey: string, member: string, ttlMs: number): Promise<string[]> {
    const members = (await guardedScript(this.connections, 'heartbeat', HEARTBEAT, [membersKey], [member, Math.ceil(ttlMs)])) as string[];
    return [...members].sort();
  }

  async leave(membersKey: string, member: string): Promise<void> {
    await guarded(this.connections, 'leave', () => this.connections.command.zrem(membersKey, member));
  }

  async acquireLease(leaseKey: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await guardedScript(this.connections, 'acquireLease', ACQUIRE_LEASE, [leaseKey], [owner, Math.ceil(ttlMs)])) === 1;
  }

  async releaseLease(leaseKey: string, owner: string): Promise<void> {
    await guardedScript(this.connections, 'releaseLease', RELEASE_LEASE, [leaseKey], [owner]);
  }
}
