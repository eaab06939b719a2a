import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './eventually';
import { startRedisCluster, type RedisClusterNode } from './redisCluster';
import { useRedisCluster } from './useRedisCluster';

/** True once no process has `pid` (it exited and was reaped). */
function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Runs `commands` on a plain connection to one node. */
async function onNode(node: RedisClusterNode, ...commands: string[][]): Promise<unknown[]> {
  const redis = new Redis({ host: node.host, port: node.port, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    const replies: unknown[] = [];
    for (const [name = '', ...args] of commands) replies.push(await redis.call(name, ...args));
    return replies;
  } finally {
    await redis.quit();
  }
}

const clusterInfo = async (node: RedisClusterNode) => String((await onNode(node, ['CLUSTER', 'INFO']))[0]);
const byFirstSlot = (a: RedisClusterNode, b: RedisClusterNode) => (a.slots[0]?.[0] ?? -1) - (b.slots[0]?.[0] ?? -1);
/** The slots of the hash tags `{b}`, `{c}` and `{a}`: one in each third of the slots, so on three different masters. */
const SLOT = { b: 3300, c: 7365, a: 15495 } as const;
const THIRDS = [[[0, 5460]], [[5461, 10922]], [[10923, 16383]]];
/** Failure detection (2 s node timeout), failover or rejoin take seconds; more on a busy machine. */
const TOPOLOGY_CHANGE_TIMEOUT_MS = 30_000;

/** The `CLUSTER INFO` fields that say a cluster is whole (servers add other fields from version to version). */
const CLUSTER_HEALTH = ['cluster_state', 'cluster_slots_assigned', 'cluster_slots_ok', 'cluster_slots_pfail', 'cluster_slots_fail', 'cluster_known_nodes', 'cluster_size'];

/** The named fields of a `CLUSTER INFO` reply. */
function clusterFields(info: unknown, names: readonly string[]): Record<string, string | undefined> {
  const fields = new Map(String(info).split('\r\n').map((line) => line.split(':') as [string, string]));
  return Object.fromEntries(names.map((name) => [name, fields.get(name)]));
}

describe('startRedisCluster: 3 masters, appendonly', () => {
  const fixture = useRedisCluster();

  it('starts 3 masters on loopback ports (never 6379), each reporting cluster_state:ok with all 16384 slots', async () => {
    const { cluster, client } = fixture;
    const nodes = [...cluster.nodes].sort(byFirstSlot);
    expect(nodes.map((node) => [node.role, node.slots, node.replicaOf, node.running])).toEqual(THIRDS.map((slots) => ['master', slots, undefined, true]));
    expect(new Set(nodes.map((node) => node.port)).size).toBe(3);
    expect(new Set(nodes.map((node) => node.pid)).size).toBe(3);
    expect(nodes.map((node) => node.port)).not.toContain(6379);
    expect(cluster.startupNodes).toEqual(cluster.nodes.map(({ host, port }) => ({ host, port })));
    for (const node of nodes) {
      expect(node.host).toBe('127.0.0.1');
      expect(existsSync(join(node.dir, 'nodes.conf'))).toBe(true);
      const [info, appendonly, timeout] = await onNode(node, ['CLUSTER', 'INFO'], ['CONFIG', 'GET', 'appendonly'], ['CONFIG', 'GET', 'cluster-node-timeout']);
      expect(clusterFields(info, CLUSTER_HEALTH)).toEqual({ cluster_state: 'ok', cluster_slots_assigned: '16384', cluster_slots_ok: '16384', cluster_slots_pfail: '0', cluster_slots_fail: '0', cluster_known_nodes: '3', cluster_size: '3' });
      expect([appendonly, timeout]).toEqual([['appendonly', 'yes'], ['cluster-node-timeout', '2000']]);
    }

    // ioredis sees plain loopback addresses (no natMap needed) and can write.
    expect(await client.set('hello', 'world')).toBe('OK');
    const slots = await client.cluster('SLOTS');
    expect(slots.map(([first, last, master]) => [first, last, master?.[0], master?.[1]]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
      nodes.map((node) => [node.slots[0]?.[0], node.slots[0]?.[1], '127.0.0.1', node.port]),
    );
    expect(client.nodes('master').map((redis) => `${redis.options.host}:${redis.options.port}`).sort()).toEqual(nodes.map((node) => `127.0.0.1:${node.port}`).sort());
  });

  it('keys with different hash tags land on different masters, in exactly the numbers written', async () => {
    const { cluster, client } = fixture;
    expect(await Promise.all(['{b}', 'tagged:{c}:1', 'x{a}y'].map((key) => client.cluster('KEYSLOT', key)))).toEqual([SLOT.b, SLOT.c, SLOT.a]);
    const [masterB, masterC, masterA] = [cluster.masterFor(SLOT.b), cluster.masterFor(SLOT.c), cluster.masterFor(SLOT.a)];
    expect([masterB, masterC, masterA].map((node) => node.slots)).toEqual(THIRDS);
    expect(() => cluster.masterFor(16384)).toThrow('no slot 16384');

    const written = { a: 4, b: 7, c: 11 };
    for (const [tag, count] of Object.entries(written)) {
      for (let i = 0; i < count; i++) await client.set(`tagged:{${tag}}:${i}`, String(i));
    }
    expect(await cluster.keyCountPerMaster('tagged:*')).toEqual(new Map([[masterA.port, 4], [masterB.port, 7], [masterC.port, 11]]));
    expect(await cluster.keyCountPerMaster()).toEqual(new Map([[masterA.port, 4], [masterB.port, 7 + 1], [masterC.port, 11]])); // and 'hello', in slot 866
  });

  it('restartNode brings a killed master back on the same port with its keys (appendonly), cluster ok again', async () => {
    const { cluster, client } = fixture;
    const master = cluster.masterFor(SLOT.a);
    const { port, pid, id } = master;
    expect(await client.get('tagged:{a}:3')).toBe('3');

    await cluster.killNode(port);
    expect(master.running).toBe(false);
    expect(pidGone(pid)).toBe(true);
    // Without a replica to take over, the others mark it failed and the cluster goes down (after the 2 s node timeout).
    const other = cluster.masterFor(SLOT.b);
    await eventually('the other master to see cluster_state:fail', async () => (await clusterInfo(other)).includes('cluster_state:fail\r\n'), { timeoutMs: 10_000, intervalMs: 100 });

    await cluster.restartNode(port);
    const again = cluster.masterFor(SLOT.a);
    expect([again.port, again.id, again.role, again.slots, again.running]).toEqual([port, id, 'master', [[10923, 16383]], true]);
    expect(again.pid).not.toBe(pid);
    for (const node of cluster.nodes) expect(await clusterInfo(node)).toContain('cluster_state:ok\r\n');
    expect((await cluster.keyCountPerMaster('tagged:*')).get(port)).toBe(4);
    expect(await client.get('tagged:{a}:3')).toBe('3');
    expect(await client.set('tagged:{a}:after', 'x')).toBe('OK');
  }, TOPOLOGY_CHANGE_TIMEOUT_MS);
});

describe('startRedisCluster: 3 masters with a replica each', () => {
  const fixture = useRedisCluster({ replicasPerMaster: 1, appendonly: false });

  it('starts 3 masters and 3 replicas, one replica per master', async () => {
    const { nodes } = fixture.cluster;
    const masters = nodes.filter((node) => node.role === 'master').sort(byFirstSlot);
    const replicas = nodes.filter((node) => node.role === 'replica');
    expect(masters.map((node) => node.slots)).toEqual(THIRDS);
    expect(replicas.map((node) => [node.slots, node.running])).toEqual([[[], true], [[], true], [[], true]]);
    expect(replicas.map((node) => node.replicaOf).sort()).toEqual(masters.map((node) => node.port).sort());
    for (const node of nodes) {
      const [info, appendonly] = await onNode(node, ['CLUSTER', 'INFO'], ['CONFIG', 'GET', 'appendonly']);
      expect(clusterFields(info, CLUSTER_HEALTH)).toEqual({ cluster_state: 'ok', cluster_slots_assigned: '16384', cluster_slots_ok: '16384', cluster_slots_pfail: '0', cluster_slots_fail: '0', cluster_known_nodes: '6', cluster_size: '3' });
      expect(appendonly).toEqual(['appendonly', 'no']);
    }
  });

  it('killing a master fails over to its replica; a write through ioredis Cluster succeeds afterwards', async () => {
    const { cluster, client } = fixture;
    const master = cluster.masterFor(SLOT.b);
    const replica = cluster.nodes.find((node) => node.replicaOf === master.port);
    if (!replica) throw new Error('no replica');
    expect(await client.set('{b}before', '1')).toBe('OK');
    expect((await onNode(master, ['WAIT', '1', '5000']))[0]).toBe(1); // replicated before the kill

    await cluster.killNode(master.port);
    expect(pidGone(master.pid)).toBe(true);
    await cluster.waitUntilOk();

    const promoted = cluster.masterFor(SLOT.b);
    expect([promoted.id, promoted.port, promoted.role, promoted.slots, promoted.replicaOf]).toEqual([replica.id, replica.port, 'master', [[0, 5460]], undefined]);
    expect(cluster.nodes.find((node) => node.port === master.port)).toMatchObject({ running: false, slots: [] });
    expect(await clusterInfo(promoted)).toContain('cluster_state:ok\r\n');

    // The client connected before the kill follows the failover; a new one starts on the new topology.
    expect(await client.set('{b}after', '2')).toBe('OK');
    expect(await client.get('{b}before')).toBe('1');
    const fresh = cluster.client();
    try {
      expect(await fresh.set('{b}fresh', '3')).toBe('OK');
    } finally {
      fresh.disconnect();
    }
    const [masterC, masterA] = [cluster.masterFor(SLOT.c), cluster.masterFor(SLOT.a)];
    expect(await cluster.keyCountPerMaster('{b}*')).toEqual(new Map([[promoted.port, 3], [masterC.port, 0], [masterA.port, 0]]));
  }, TOPOLOGY_CHANGE_TIMEOUT_MS);

  it('stop() kills every process (the pids are gone) and removes every dir; a second stop() is a no-op', async () => {
    const { cluster } = fixture;
    const nodes = cluster.nodes.map(({ pid, dir, running }) => ({ pid, dir, running }));
    expect(nodes.filter((node) => node.running)).toHaveLength(5); // the failed-over master stays down
    expect(nodes.every((node) => existsSync(node.dir))).toBe(true);

    await cluster.stop();
    expect(nodes.map((node) => [pidGone(node.pid), existsSync(node.dir)])).toEqual(nodes.map(() => [true, false]));
    expect(cluster.nodes.filter((node) => node.running)).toEqual([]);
    await expect(cluster.stop()).resolves.toBeUndefined();
  });
});

describe('startRedisCluster: options', () => {
  it('refuses fewer than 3 masters or a negative replica count before starting anything', async () => {
    await expect(startRedisCluster({ masters: 2 })).rejects.toThrow('startRedisCluster: masters must be an integer ≥ 3, got 2');
    await expect(startRedisCluster({ replicasPerMaster: -1 })).rejects.toThrow('startRedisCluster: replicasPerMaster must be an integer ≥ 0, got -1');
  });
});
