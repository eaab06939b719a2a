/**
 * Idempotency records of the in-memory broker (what Redis keeps in keys with a TTL): a record key and
 * the id of the entry produced with it, until its window ends by the broker's clock. Expired records
 * are dropped when read, and all at once whenever the map has doubled since the last sweep.
 */
export class MemoryRecords {
  private readonly records = new Map<string, { readonly id: string; readonly until: number }>();
  private sweepAt = 1024;

  /** The id recorded under `key`, if its window has not ended. */
  get(key: string, now: number): string | undefined {
    const record = this.records.get(key);
    if (!record) return undefined;
    if (record.until > now) return record.id;
    this.records.delete(key);
    return undefined;
  }

  /** Records `id` under `key` for `windowMs`. */
  set(key: string, id: string, windowMs: number, now: number): void {
    this.records.set(key, { id, until: now + windowMs });
    if (this.records.size < this.sweepAt) return;
    for (const [name, record] of this.records) if (record.until <= now) this.records.delete(name);
    this.sweepAt = Math.max(1024, 2 * this.records.size);
  }
}
