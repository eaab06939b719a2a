import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, type ClusterOptions } from 'ioredis';
import { PLAIN, startRedisServer, type RedisListener, type RedisServer } from './redisServer';
import { askNode, SLOT_COUNT, waitForClusterOk, type ClusterNodeView, type SlotRange } from './redisClusterTopology';

export type { SlotRange } from './redisClusterTopology';

/** One redis-server of a {@link RedisCluster}, as the cluster saw it when last checked. */
export interface RedisClusterNode {
  /** The cluster node id (40 hex digits). */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** The port of its master (replicas only). */
  readonly replicaOf: number | undefined;
  /** The hash slots it serves (none for a replica). */
  readonly slots: readonly SlotRange[];
  /** The pid of its current redis-server process (it changes with {@link RedisCluster.restartNode}). */
  readonly pid: number;
  /** False between {@link RedisCluster.killNode} and {@link RedisCluster.restartNode}. */
  readonly running: boolean;
  /** Its private directory: `nodes.conf` and, with `appendonly`, its AOF. */
  readonly dir: string;
}

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Masters sharing the 16384 slots; at least 3 (`redis-cli --cluster create` needs 3). Default 3. */
  readonly masters?: number;
  /** Replicas of each master (`--cluster-replicas`). Default 0. */
  readonly replicasPerMaster?: number;
  /** `--appendonly yes --appendfsync always` on every node, so a killed node comes back with its keys. Default true. */
  readonly appendonly?: boolean;
}

/** A private Redis Cluster on loopback ports; always pair with {@link RedisCluster.stop}. */
export interface RedisCluster {
  /** Every node started, in start order; roles and slots as of the last time the cluster was seen ok. */
  readonly nodes: readonly RedisClusterNode[];
  /** Seeds for an ioredis `Cluster`: every node's host and port. */
  readonly startupNodes: readonly { host: string; port: number }[];
  /** The master serving `slot` (0 … 16383) as of the last time the cluster was seen ok. */
  masterFor(slot: number): RedisClusterNode;
  /** A new ioredis `Cluster` on {@link startupNodes}; the caller closes it. */
  client(options?: ClusterOptions): Cluster;
  /** Keys matching `pattern` (SCAN MATCH) on each running master: master port → count. */
  keyCountPerMaster(pattern?: string): Promise<Map<number, number>>;
  /** SIGKILLs the node's process and resolves once it has exited (no failover wait: see {@link waitUntilOk}). */
  killNode(port: number): Promise<void>;
  /** Starts the node again on its port, dir and config (it rejoins with its data), then {@link waitUntilOk}. */
  restartNode(port: number): Promise<void>;
  /**
   * Polls until every running node reports `cluster_state:ok` with all slots covered by running masters
   * and all agree on roles and slots (e.g. after a failover), then refreshes {@link nodes}.
   */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  /** Kills every node and removes every node's dir. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const MAX_PORT = 65_535;
/** Short, so a dead master is failed over within a few seconds. */
const NODE_TIMEOUT_MS = 2000;
const READY_TIMEOUT_MS = 20_000;
const run = promisify(execFile);

/** Redis' default bus port (`port + 10000`) unless that is no port; derived from `port` so a retry on a new port also gets a new bus port. */
const busPort = (port: number) => (port + 10_000 <= MAX_PORT ? port + 10_000 : port - 10_000);

/** Plain TCP on `port` and the cluster bus on {@link busPort}. */
const CLUSTER_LISTENER: RedisListener = { ...PLAIN, args: (port) => [...PLAIN.args(port), '--cluster-port', String(busPort(port))] };

const nodeArgs = (dir: string) => [
  '--cluster-enabled', 'yes',
  '--cluster-config-file', join(dir, 'nodes.conf'),
  '--cluster-node-timeout', String(NODE_TIMEOUT_MS),
  '--cluster-announce-ip', HOST,
  // A replica takes over however long ago it last heard from its master.
  '--cluster-replica-validity-factor', '0',
  // A replica's first sync starts at once instead of after the default 5 s wait for more replicas.
  '--repl-diskless-sync-delay', '0',
];

/** Joins the nodes on `ports` with `redis-cli --cluster create`; the first `ports.length / (replicas + 1)` become masters. */
async function createCluster(ports: readonly number[], replicasPerMaster: number): Promise<void> {
  const args = ['--cluster', 'create', ...ports.map((port) => `${HOST}:${port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes'];
  try {
    await run('redis-cli', args, { timeout: READY_TIMEOUT_MS });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`redis-cli ${args.join(' ')} failed: ${(error as Error).message}\n${stdout}${stderr}`, { cause: error });
  }
}

/**
 * Starts `masters × (1 + replicasPerMaster)` cluster-enabled redis-servers on free loopback ports (each with
 * its own temp dir, `nodes.conf` and, with `appendonly`, AOF), joins them with `redis-cli --cluster create`
 * and resolves once every node reports `cluster_state:ok` with all 16384 slots covered (and every replica
 * linked to its master). On any failure every process started is killed and every dir removed.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const { masters = 3, replicasPerMaster = 0, appendonly = true } = options;
  if (!Number.isInteger(masters) || masters < 3) throw new Error(`startRedisCluster: masters must be an integer ≥ 3, got ${masters}`);
  if (!Number.isInteger(replicasPerMaster) || replicasPerMaster < 0) throw new Error(`startRedisCluster: replicasPerMaster must be an integer ≥ 0, got ${replicasPerMaster}`);
  const count = masters * (1 + replicasPerMaster);
  const started = await Promise.allSettled(Array.from({ length: count }, () => startRedisServer({ listener: CLUSTER_LISTENER, args: nodeArgs, persistent: appendonly })));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const ports = servers.map((server) => server.port);
    await createCluster(ports, replicasPerMaster);
    return handle(servers, await waitForClusterOk(ports, READY_TIMEOUT_MS));
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
}

function handle(servers: readonly RedisServer[], firstView: readonly ClusterNodeView[]): RedisCluster {
  let view = firstView;
  let stopping: Promise<void> | undefined;
  const serverOn = (port: number): RedisServer => {
    const server = servers.find((candidate) => candidate.port === port);
    if (!server) throw new Error(`Redis Cluster: no node on port ${port}`);
    return server;
  };
  const toNode = (server: RedisServer): RedisClusterNode => {
    const seen = view.find((node) => node.port === server.port);
    if (!seen) throw new Error(`Redis Cluster: node ${server.port} is not in the cluster's view`);
    return {
      id: seen.id,
      host: HOST,
      port: server.port,
      role: seen.role,
      replicaOf: view.find((node) => seen.masterId !== undefined && node.id === seen.masterId)?.port,
      slots: seen.slots,
      get pid() {
        return server.pid;
      },
      get running() {
        return server.running;
      },
      dir: server.dir,
    };
  };
  const nodes = () => servers.map(toNode);
  const waitUntilOk = async (timeoutMs = READY_TIMEOUT_MS): Promise<void> => {
    view = await waitForClusterOk(servers.filter((server) => server.running).map((server) => server.port), timeoutMs);
  };
  const masterFor = (slot: number): RedisClusterNode => {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new Error(`Redis Cluster: no slot ${slot}`);
    const master = nodes().find((node) => node.role === 'master' && node.slots.some(([first, last]) => first <= slot && slot <= last));
    if (!master) throw new Error(`Redis Cluster: no master for slot ${slot}`);
    return master;
  };
  const countKeys = async (port: number, pattern: string): Promise<number> => {
    let [cursor, total] = ['0', 0];
    do {
      const reply = await askNode(port, [['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']]);
      if (!reply) throw new Error(`Redis Cluster: master ${port} does not answer SCAN`);
      const [next, keys] = reply[0] as [string, string[]];
      [cursor, total] = [next, total + keys.length];
    } while (cursor !== '0');
    return total;
  };
  const startupNodes = servers.map((server) => ({ host: HOST, port: server.port }));
  return {
    get nodes() {
      return nodes();
    },
    startupNodes,
    masterFor,
    client: (options) => new Cluster(startupNodes.map((node) => ({ ...node })), options),
    keyCountPerMaster: async (pattern = '*') => {
      const masters = nodes().filter((node) => node.role === 'master' && node.running && node.slots.length > 0);
      return new Map(await Promise.all(masters.map(async (node) => [node.port, await countKeys(node.port, pattern)] as const)));
    },
    killNode: (port) => serverOn(port).kill('SIGKILL'),
    restartNode: async (port) => {
      await serverOn(port).restart();
      await waitUntilOk();
    },
    waitUntilOk,
    stop: () => (stopping ??= Promise.all(servers.map((server) => server.stop())).then(() => undefined)),
  };
}
