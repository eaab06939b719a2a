import { Redis } from 'ioredis';
import { eventually } from './eventually';

/** An inclusive range of hash slots, `[first, last]`. */
export type SlotRange = readonly [first: number, last: number];

/** One node as a line of `CLUSTER NODES` describes it. */
export interface ClusterNodeView {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** The id of its master (replicas only). */
  readonly masterId: string | undefined;
  /** e.g. `['myself', 'master']`, `['slave', 'fail']` */
  readonly flags: readonly string[];
  readonly slots: readonly SlotRange[];
}

/** Every slot of a Redis Cluster: 0 … 16383. */
export const SLOT_COUNT = 16384;
const HOST = '127.0.0.1';
const UNHEALTHY = new Set(['fail', 'fail?', 'handshake', 'noaddr']);

/** Parses a `CLUSTER NODES` reply (slots being migrated, `[slot->-id]`, are left out). */
export function parseClusterNodes(text: string): ClusterNodeView[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', address = '', flags = '', master = '-', , , , , ...slots] = line.trim().split(' ');
      const port = Number(/:(\d+)@/.exec(address)?.[1] ?? Number.NaN);
      const flagList = flags.split(',');
      return {
        id,
        port,
        role: flagList.includes('slave') ? 'replica' : 'master',
        masterId: master === '-' ? undefined : master,
        flags: flagList,
        slots: slots.filter((slot) => !slot.startsWith('[')).map((slot): SlotRange => {
          const [first, last = first] = slot.split('-').map(Number) as [number, number?];
          return [first, last];
        }),
      };
    });
}

/** Runs `commands` on one short-lived connection to the node on `port`; undefined if it does not answer. */
export async function askNode(port: number, commands: readonly (readonly string[])[]): Promise<unknown[] | undefined> {
  const redis = new Redis({ host: HOST, port, lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const replies: unknown[] = [];
    for (const [name = '', ...args] of commands) replies.push(await redis.call(name, ...args));
    return replies;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** `field:value` lines of an INFO-style reply as an object. */
function fields(text: unknown): Record<string, string> {
  return Object.fromEntries(String(text).split('\r\n').filter((line) => line.includes(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]));
}

/** What a node says about the cluster and every node in it, in a form equal across healthy nodes. */
function describeView(nodes: readonly ClusterNodeView[], running: ReadonlySet<number>): string {
  const portOf = new Map(nodes.map((node) => [node.id, node.port]));
  const relevant = nodes.filter((node) => running.has(node.port) || node.slots.length > 0);
  return JSON.stringify(relevant.map((node) => [node.port, node.role, portOf.get(node.masterId ?? ''), node.slots]).sort((a, b) => Number(a[0]) - Number(b[0])));
}

/**
 * Checks the cluster once: every node on `ports` answers, reports `cluster_state:ok` with all 16384
 * slots assigned and ok, sees every node on `ports` healthy (no fail/fail?/handshake flag), agrees with
 * the others on roles and slots, no slot is served by a node outside `ports`, and every replica's link
 * to its master is up. Resolves with the first node's view, or with the reason it is not ok yet.
 */
export async function checkCluster(ports: readonly number[]): Promise<ClusterNodeView[] | string> {
  const running = new Set(ports);
  const replies = await Promise.all(ports.map((port) => askNode(port, [['CLUSTER', 'INFO'], ['CLUSTER', 'NODES'], ['INFO', 'replication']])));
  const views: ClusterNodeView[][] = [];
  for (const [index, reply] of replies.entries()) {
    const port = ports[index];
    if (!reply) return `node ${port} does not answer`;
    const [info, nodes, replication] = [fields(reply[0]), parseClusterNodes(String(reply[1])), fields(reply[2])];
    if (info.cluster_state !== 'ok') return `node ${port}: cluster_state:${info.cluster_state}`;
    if (info.cluster_slots_assigned !== String(SLOT_COUNT) || info.cluster_slots_ok !== String(SLOT_COUNT)) {
      return `node ${port}: ${info.cluster_slots_assigned} slots assigned, ${info.cluster_slots_ok} ok`;
    }
    const unhealthy = nodes.find((node) => running.has(node.port) && node.flags.some((flag) => UNHEALTHY.has(flag)));
    if (unhealthy) return `node ${port} sees node ${unhealthy.port} as ${unhealthy.flags.join(',')}`;
    const missing = ports.find((other) => !nodes.some((node) => node.port === other));
    if (missing !== undefined) return `node ${port} does not know node ${missing}`;
    const orphan = nodes.find((node) => node.slots.length > 0 && !running.has(node.port));
    if (orphan) return `node ${port} sees slots served by the stopped node ${orphan.port}`;
    if (replication.role === 'slave' && replication.master_link_status !== 'up') return `replica ${port}: master link ${replication.master_link_status}`;
    views.push(nodes);
  }
  const [first, ...others] = views.map((nodes) => describeView(nodes, running));
  const differing = others.findIndex((view) => view !== first);
  if (differing >= 0) return `nodes ${ports[0]} and ${ports[differing + 1]} disagree: ${first} vs ${others[differing]}`;
  return views[0] ?? 'no nodes';
}

/** Polls {@link checkCluster} every 100 ms until the cluster is ok; throws with the last reason after `timeoutMs`. */
export async function waitForClusterOk(ports: readonly number[], timeoutMs: number): Promise<ClusterNodeView[]> {
  let view: ClusterNodeView[] = [];
  let reason = 'not checked yet';
  const ok = async () => {
    const result = await checkCluster(ports);
    if (typeof result === 'string') reason = result;
    else view = result;
    return typeof result !== 'string';
  };
  await eventually('the Redis Cluster to be ok', ok, { timeoutMs, intervalMs: 100, detail: () => reason });
  return view;
}
