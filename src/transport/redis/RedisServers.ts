import type { ReplicaConfirmation, ServerLocation } from '../streamCapabilities';
import type { ServerAddress } from '../streamEntries';
import type { RedisConnections } from './connect';
import { guarded } from './guarded';
import { ReplicaWaits } from './replicaWaits';
import { serverAddressOf } from './serverAddress';

/**
 * {@link ServerLocation} and {@link ReplicaConfirmation} on Redis: the servers behind the keys of one
 * transport, which one a key lives on (for tracing), and how many replicas have what the transport
 * wrote there (for `produce` with `durability`, on the connections the writes went through).
 */
export class RedisServers implements ServerLocation, ReplicaConfirmation {
  private readonly replicaWaits = new ReplicaWaits();

  /** @param connections The connections of the transport this belongs to (the ones its appends use). */
  constructor(private readonly connections: RedisConnections) {}

  serverOf(key: string): ServerAddress | undefined {
    return serverAddressOf(this.connections, key);
  }

  /** `WAIT` on the connection of each key's master (one per master); a master the client has no connection to now counts 0. */
  async confirmReplicas(keys: readonly string[], replicas: number, timeoutMs: number): Promise<number> {
    const connections = new Set(keys.map((key) => this.connections.connectionOf(key)));
    const counts = await guarded(this.connections, 'wait', () =>
      Promise.all([...connections].map((connection) => (connection ? this.replicaWaits.wait(connection, replicas, timeoutMs) : Promise.resolve(0)))),
    );
    return Math.min(...counts);
  }
}
