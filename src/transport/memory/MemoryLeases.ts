/**
 * Memberships and leases of the in-memory broker, timed by the broker's clock: what Redis keeps in a
 * sorted set (members by expiry) and in keys with a TTL (leases).
 */
export class MemoryLeases {
  private readonly members = new Map<string, Map<string, number>>();
  private readonly leases = new Map<string, { owner: string; until: number }>();

  heartbeat(membersKey: string, member: string, ttlMs: number, now: number): string[] {
    let set = this.members.get(membersKey);
    if (!set) this.members.set(membersKey, (set = new Map<string, number>()));
    for (const [name, until] of set) if (until <= now) set.delete(name);
    set.set(member, now + ttlMs);
    return [...set.keys()].sort();
  }

  leave(membersKey: string, member: string): void {
    this.members.get(membersKey)?.delete(member);
  }

  acquire(leaseKey: string, owner: string, ttlMs: number, now: number): boolean {
    const lease = this.leases.get(leaseKey);
    if (lease && lease.until > now && lease.owner !== owner) return false;
    this.leases.set(leaseKey, { owner, until: now + ttlMs });
    return true;
  }

  release(leaseKey: string, owner: string, now: number): void {
    const lease = this.leases.get(leaseKey);
    if (lease && (lease.owner === owner || lease.until <= now)) this.leases.delete(leaseKey);
  }
}
