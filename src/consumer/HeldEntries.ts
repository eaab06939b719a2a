import type { SubscriptionWindow } from './SubscriptionWindow';

/** A held delivery whose handler has had it since a scheduler time. */
export interface Handling {
  readonly kind: 'handling';
  readonly since: number;
}

/** A held delivery that was nacked and waits for its redelivery: renewed, not with a handler. */
export interface Nacked {
  readonly kind: 'nacked';
}

/** A held delivery with its handler for longer than `maxHandlingMs`: no longer renewed. */
export interface Stuck {
  readonly kind: 'stuck';
}

/** Where a held delivery is: its lease is renewed unless it is stuck. */
export type Lease = Handling | Nacked | Stuck;

/** The one `nacked` lease: a state without data is shared, not allocated per change. */
export const NACKED: Nacked = Object.freeze({ kind: 'nacked' });
/** The one `stuck` lease. */
export const STUCK: Stuck = Object.freeze({ kind: 'stuck' });

/** What {@link HeldEntries.renewals} found: the ids whose lease to renew, and the deliveries that just became stuck. */
export interface HeldLeases {
  readonly renew: string[];
  readonly stuck: { readonly id: string; readonly handlingMs: number }[];
}

/**
 * The deliveries one consumer loop holds (emitted and not settled, or being checked or
 * dead-lettered), each with its {@link Lease}; every id held takes one slot of the subscription's
 * window, freed when it is let go.
 */
export class HeldEntries {
  private readonly leases = new Map<string, Lease>();
  /** The `handling` lease of the last time given to {@link handle}: the deliveries of one read share it (a lease is never changed, only replaced). */
  private handlingSince: Handling = { kind: 'handling', since: Number.NaN };

  constructor(
    private readonly window: SubscriptionWindow,
    /** How long a handler may have a delivery before it counts as stuck. */
    private readonly maxHandlingMs: number,
  ) {}

  /** How many ids are held. */
  get count(): number {
    return this.leases.size;
  }

  /** Whether `id` is held (a redelivered entry keeps the slot it had). */
  has(id: string): boolean {
    return this.leases.has(id);
  }

  /** Whether every held delivery is nacked (none with a handler, stuck or on its way to the dead letters). */
  get onlyNacked(): boolean {
    for (const lease of this.leases.values()) if (lease !== NACKED) return false;
    return true;
  }

  /** Holds `id` as handled since `now` (a scheduler time), taking a slot in the window when it is new. */
  handle(id: string, now: number): void {
    if (this.handlingSince.since !== now) this.handlingSince = { kind: 'handling', since: now };
    const before = this.leases.size;
    this.leases.set(id, this.handlingSince);
    if (this.leases.size > before) this.window.take(); // one lookup: a new id grows the map
  }

  /** Marks a held `id` nacked; false (and nothing changed) when it is not held. */
  nack(id: string): boolean {
    if (!this.leases.has(id)) return false;
    this.leases.set(id, NACKED);
    return true;
  }

  /** Lets `id` go, freeing its slot in the window; false when it was not held. */
  letGo(id: string): boolean {
    if (!this.leases.delete(id)) return false;
    this.window.give();
    return true;
  }

  /** Lets every nacked id go (their redelivery is cancelled: they stay pending on the broker). */
  letGoNacked(): void {
    for (const [id, lease] of [...this.leases]) if (lease === NACKED) this.letGo(id);
  }

  /** The held ids, oldest first. */
  ids(): string[] {
    return [...this.leases.keys()];
  }

  /**
   * The ids whose lease is renewed at `now`: nacked ones, and those with their handler for at most
   * `maxHandlingMs`. Those past it since the last call are marked stuck and never renewed again.
   */
  renewals(now: number): HeldLeases {
    const renew: string[] = [];
    const stuck: { id: string; handlingMs: number }[] = [];
    for (const [id, lease] of this.leases) {
      if (lease.kind === 'stuck') continue;
      if (lease.kind === 'nacked' || now - lease.since <= this.maxHandlingMs) {
        renew.push(id);
      } else {
        this.leases.set(id, STUCK);
        stuck.push({ id, handlingMs: now - lease.since });
      }
    }
    return { renew, stuck };
  }
}
