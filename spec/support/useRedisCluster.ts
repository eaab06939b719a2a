import type { Cluster } from 'ioredis';
import { startRedisCluster, type RedisCluster, type RedisClusterOptions } from './redisCluster';

/** A private Redis Cluster for the spec file (started in `beforeAll`, stopped in `afterAll`) and an ioredis `Cluster` client on it. */
export interface RedisClusterFixture {
  readonly cluster: RedisCluster;
  readonly client: Cluster;
}

/** Starting a cluster takes a few seconds (more with replicas on a busy machine). */
const START_TIMEOUT_MS = 45_000;
/** Stopping one waits for every node to exit (SIGKILL after 5 s each). */
const STOP_TIMEOUT_MS = 30_000;

/** Registers the hooks that start and stop a private Redis Cluster; read `cluster`/`client` inside tests. */
export function useRedisCluster(options?: RedisClusterOptions): RedisClusterFixture {
  let cluster: RedisCluster | undefined;
  let client: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster(options);
    client = cluster.client();
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    // disconnect, not quit: a test may have stopped the cluster already.
    client?.disconnect();
    await cluster?.stop();
  }, STOP_TIMEOUT_MS);
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRedisCluster: the cluster is only there inside tests');
    return value;
  };
  return {
    get cluster() {
      return ready(cluster);
    },
    get client() {
      return ready(client);
    },
  };
}
