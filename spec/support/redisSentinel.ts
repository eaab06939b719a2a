import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './eventually';
import { PLAIN, startRedisServer, type RedisListener, type RedisServer } from './redisServer';

/** A master's address as Sentinel gives it. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link startSentinelTopology}. */
export interface SentinelTopologyOptions {
  /** The monitored master's name (ioredis' `name`). Default `'main'`. */
  readonly name?: string;
  /** `sentinel down-after-milliseconds`: how long the master must be silent to be failed over. Default 1000. */
  readonly downAfterMs?: number;
  /** `sentinel failover-timeout`. Default 2000. */
  readonly failoverTimeoutMs?: number;
}

/** A master, its replica and three sentinels (quorum 2) on private loopback ports; always pair with {@link SentinelTopology.stop}. */
export interface SentinelTopology {
  readonly name: string;
  /** The two data servers, the first started as the master, the second as its replica; their roles change with a failover. */
  readonly servers: readonly [RedisServer, RedisServer];
  readonly sentinels: readonly RedisServer[];
  /** ioredis' `sentinels` option: every sentinel's host and port. */
  readonly sentinelAddresses: readonly Address[];
  /** The master as the first sentinel that answers sees it now. */
  master(): Promise<Address>;
  /** The data server at `address`. */
  serverAt(address: Address): RedisServer;
  /**
   * Polls until every sentinel names a master other than `previous`, and that server says it is a
   * master; resolves with its address.
   */
  waitForFailover(previous: Address, timeoutMs?: number): Promise<Address>;
  /** Polls until `server` is a replica of the current master with its link up (after a failover, the old master once it is back). */
  waitForReplica(server: RedisServer, timeoutMs?: number): Promise<void>;
  /** Stops the sentinels and both servers. Idempotent. */
  stop(): Promise<void>;
}

const QUORUM = 2;
const SENTINELS = 3;
const READY_TIMEOUT_MS = 20_000;
/** Polled every 50 ms: each check opens connections of its own. */
const POLL_MS = 50;
/** A check that fails (a server down, a sentinel busy) counts as not yet. */
const orFalse = (probe: () => Promise<boolean>) => () => probe().catch(() => false);

/** One command on a short-lived connection (no retries: a server that is down fails the call). */
async function ask(address: Address, ...command: [string, ...(string | number)[]]): Promise<unknown> {
  const connection = new Redis({ ...address, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  connection.on('error', () => undefined);
  try {
    await connection.connect();
    return await connection.call(...command);
  } finally {
    connection.disconnect();
  }
}

/** `INFO replication` of a server as a map. */
async function replicationOf(address: Address): Promise<Map<string, string>> {
  const text = String(await ask(address, 'INFO', 'replication'));
  return new Map(text.split('\r\n').flatMap((line) => (line.includes(':') ? [line.split(':', 2) as [string, string]] : [])));
}

/**
 * Starts a replica of `master` (`--replicaof`) and resolves once the master reports it online, so
 * that `WAIT 1` can succeed. Pair with `stop()`.
 */
export async function startReplica(master: RedisServer, extraArgs: readonly string[] = []): Promise<RedisServer> {
  const replica = await startRedisServer({ args: ['--replicaof', master.host, String(master.port), ...extraArgs] });
  try {
    await eventually('the replica to be online', orFalse(async () => [...(await replicationOf(master)).values()].some((value) => value.includes(`port=${replica.port},state=online`))), { timeoutMs: READY_TIMEOUT_MS, intervalMs: POLL_MS, detail: () => `master ${master.port}, replica ${replica.port}` });
  } catch (error) {
    await replica.stop();
    throw error;
  }
  return replica;
}

/** Runs redis-server in Sentinel mode with its own (writable) config file, which must come first on the command line. */
function sentinelListener(configFile: string): RedisListener {
  return { ...PLAIN, args: (port) => [configFile, ...PLAIN.args(port), '--sentinel'] };
}

async function startSentinel(master: Address, name: string, options: Required<SentinelTopologyOptions>): Promise<{ sentinel: RedisServer; configDir: string }> {
  const configDir = await mkdtemp(join(tmpdir(), 'rx-redis-events-sentinel-'));
  const configFile = join(configDir, 'sentinel.conf');
  const lines = [
    `sentinel monitor ${name} ${master.host} ${master.port} ${QUORUM}`,
    `sentinel down-after-milliseconds ${name} ${options.downAfterMs}`,
    `sentinel failover-timeout ${name} ${options.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${name} 1`,
  ];
  await writeFile(configFile, `${lines.join('\n')}\n`);
  try {
    return { sentinel: await startRedisServer({ listener: sentinelListener(configFile) }), configDir };
  } catch (error) {
    await rm(configDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts a master, a replica and three sentinels monitoring the master (quorum 2, short timings so that
 * a dead master is failed over within a few seconds) and resolves once every sentinel sees the replica
 * and the two other sentinels: from then on, killing the master leads to a failover.
 */
export async function startSentinelTopology(options: SentinelTopologyOptions = {}): Promise<SentinelTopology> {
  const settings = { name: 'main', downAfterMs: 1000, failoverTimeoutMs: 2000, ...options };
  const { name } = settings;
  const primary = await startRedisServer();
  const cleanups: (() => Promise<void>)[] = [() => primary.stop()];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const replica = await startReplica(primary);
    cleanups.push(() => replica.stop());
    const sentinels: RedisServer[] = [];
    for (let index = 0; index < SENTINELS; index++) {
      const { sentinel, configDir } = await startSentinel(primary, name, settings);
      sentinels.push(sentinel);
      cleanups.push(async () => (await sentinel.stop(), await rm(configDir, { recursive: true, force: true })));
    }
    const servers = [primary, replica] as const;
    const sentinelAddresses = sentinels.map(({ host, port }) => ({ host, port }));
    const field = (reply: unknown, key: string) => {
      const flat = reply as string[];
      return flat[flat.indexOf(key) + 1];
    };
    let last = '';
    await eventually(
      'every sentinel to see the replica and the other sentinels',
      orFalse(async () => {
        const views = await Promise.all(sentinelAddresses.map((address) => ask(address, 'SENTINEL', 'MASTER', name)));
        last = JSON.stringify(views.map((view) => ({ replicas: field(view, 'num-slaves'), others: field(view, 'num-other-sentinels'), flags: field(view, 'flags') })));
        return views.every((view) => field(view, 'num-slaves') === '1' && field(view, 'num-other-sentinels') === String(SENTINELS - 1) && field(view, 'flags') === 'master');
      }),
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: POLL_MS, detail: () => last },
    );
    const masterSeenBy = async (address: Address): Promise<Address> => {
      const [host, port] = (await ask(address, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
      return { host, port: Number(port) };
    };
    const topology: SentinelTopology = {
      name,
      servers,
      sentinels,
      sentinelAddresses,
      master: async () => {
        for (const address of sentinelAddresses) {
          try {
            return await masterSeenBy(address);
          } catch {
            // that sentinel is busy or down: ask the next
          }
        }
        throw new Error('no sentinel answered');
      },
      serverAt: (address) => {
        const server = servers.find((candidate) => candidate.port === address.port);
        if (!server) throw new Error(`no server of the topology at ${address.host}:${address.port}`);
        return server;
      },
      waitForFailover: async (previous, timeoutMs = 20_000) => {
        let seen: Address[] = [];
        await eventually(
          'a failover',
          orFalse(async () => {
            seen = await Promise.all(sentinelAddresses.map(masterSeenBy));
            const [first] = seen;
            if (!first || seen.some((address) => address.port !== first.port) || first.port === previous.port) return false;
            return (await replicationOf(first)).get('role') === 'master';
          }),
          { timeoutMs, intervalMs: POLL_MS, detail: () => JSON.stringify(seen) },
        );
        return seen[0] as Address;
      },
      waitForReplica: async (server, timeoutMs = 20_000) => {
        let state = '';
        await eventually(
          `${server.port} to replicate the current master`,
          orFalse(async () => {
            const master = await topology.master();
            const info = await replicationOf(server);
            state = `role ${info.get('role')} of ${info.get('master_port')} link ${info.get('master_link_status')}; master ${master.port}`;
            return info.get('role') === 'slave' && Number(info.get('master_port')) === master.port && info.get('master_link_status') === 'up';
          }),
          { timeoutMs, intervalMs: POLL_MS, detail: () => state },
        );
      },
      stop: stopAll,
    };
    return topology;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
