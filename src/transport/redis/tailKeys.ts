import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import type { StoredEntry } from '../StreamTransport';
import type { RedisClient } from './connect';
import { toStoredEntries } from './replies';

/** How a tail reads: how many entries, where they go, and when it stops. */
export interface TailOptions {
  /** Most entries handed on (`Infinity` for no limit). */
  readonly count: number;
  /** Told each entry read, in order within a key. */
  readonly onEntry: (entry: StoredEntry, key: string) => void;
  /** Resolves when the tail should stop (its blocked reads are ended at once). */
  readonly stopped: Promise<void>;
}

/** Longest wait of one read, in ms: the loops see a spent budget at least this often. */
const BLOCK_MS = 1000;
/** Most entries one read returns. */
const READ_COUNT = 1000;

/** What the read loops of one tail share: how many may still be handed on, and whether it stopped. */
interface ReadBudget {
  left: number;
  stopped: boolean;
}

/**
 * Plain `XREAD BLOCK` of `keys` after the ids in `after`: no group is joined or created. One server
 * reads every key in one call, on `client` itself; a cluster (whose keys of several slots cannot
 * share a call) gets a reader connection per key, to the master of its slot, closed at the end.
 */
export async function tailKeys(client: RedisClient, keys: readonly string[], after: readonly string[], options: TailOptions): Promise<void> {
  const loops: { connection: Redis; keys: string[]; last: string[] }[] = client.isCluster
    ? keys.map((key, index) => ({ connection: readerFor(client as Cluster, key), keys: [key], last: [after[index] as string] }))
    : [{ connection: client as Redis, keys: [...keys], last: [...after] }];
  const budget: ReadBudget = { left: options.count, stopped: false };
  const stop = () => {
    budget.stopped = true;
    for (const loop of loops) loop.connection.disconnect();
  };
  void options.stopped.then(stop);
  try {
    await Promise.all(loops.map((loop) => readLoop(loop.connection, loop.keys, loop.last, budget, options.onEntry).finally(() => budget.left <= 0 && stop())));
  } finally {
    if (client.isCluster) stop();
  }
}

/** Reads `keys` after the ids in `last` (updated as it goes) until the budget is spent or the tail stopped. */
async function readLoop(connection: Redis, keys: readonly string[], last: string[], budget: ReadBudget, onEntry: TailOptions['onEntry']): Promise<void> {
  while (budget.left > 0 && !budget.stopped) {
    let reply: unknown;
    try {
      reply = await connection.xread('COUNT', Math.min(budget.left, READ_COUNT), 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...last);
    } catch (error) {
      if (budget.stopped) return;
      throw error;
    }
    for (const [key, entries] of (reply ?? []) as [string, unknown][]) {
      for (const entry of toStoredEntries(entries)) {
        if (budget.left <= 0 || budget.stopped) return;
        onEntry(entry, key);
        last[keys.indexOf(key)] = entry.id;
        budget.left--;
      }
    }
  }
}

/** A connection for blocking reads of `key` on a cluster: a copy of the pool's connection to the master of its slot. */
function readerFor(cluster: Cluster, key: string): Redis {
  const name = cluster.slots[calculateSlot(key)]?.[0];
  const master = cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === name);
  if (!master) throw new Error(`the cluster has no master for ${key} (slot ${calculateSlot(key)})`);
  return master.duplicate();
}
