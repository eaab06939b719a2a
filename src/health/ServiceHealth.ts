/**
 * The state of the service's command connection: `ready`; `connecting` (first connection);
 * `reconnecting` (lost, trying again); `closed` (closed by `close()`, or given up). The in-memory
 * broker is always `ready`.
 */
export type ConnectionState = 'ready' | 'connecting' | 'reconnecting' | 'closed';

/**
 * What a {@link HealthWarning} is about:
 * - `persistence-off`: neither AOF (`appendonly no`) nor RDB snapshots (`save ""`): a restart loses every stream, group and pending entry;
 * - `eviction-policy`: a `maxmemory-policy` other than `noeviction`: under memory pressure Redis may evict stream keys (`allkeys-*` any key, `volatile-*` keys with a TTL);
 * - `redis-version`: the server is older than 7.0, which the library needs (`XINFO GROUPS` lag, `XCLAIM` dropping deleted entries);
 * - `config-unchecked`: `CONFIG GET` was refused (an ACL user without it, or a renamed command): persistence and eviction could not be checked;
 * - `server-unreachable`: the server did not answer the checks (in time);
 * - `memory-broker`: neither `redis` nor `broker` was given, so the service runs on a private in-memory broker: nothing is persisted or shared between processes.
 */
export type HealthWarningCode = 'persistence-off' | 'eviction-policy' | 'redis-version' | 'config-unchecked' | 'server-unreachable' | 'memory-broker';

/** A condition that matters for data safety, read from the server (or from how the service was created). */
export interface HealthWarning {
  readonly code: HealthWarningCode;
  /** One sentence for an operator: what was found and what it risks. */
  readonly message: string;
}

/** One active `consume` (or `subscribe`) subscription of the service. */
export interface ConsumerHealth {
  /** The stream's name. */
  readonly stream: string;
  /** Its consumer name in the group (`<consumer>#<n>`). */
  readonly consumer: string;
  /** Deliveries it handed out and that are not acked yet (with a handler, or nacked and waiting for redelivery). */
  readonly inFlight: number;
}

/** One broadcast stream the service listens to (one broker subscription, however many local subscribers). */
export interface ListenerHealth {
  /** The broadcast stream's name. */
  readonly channel: string;
}

/** What the health check read of the server: who it is, and the warnings that matter for data safety. */
export interface ServerReport {
  /**
   * The server's product and version, as `INFO server` names them: `redis 8.6.3`, `valkey 9.1.2`;
   * `memory` for the in-memory broker; `undefined` when the server did not answer.
   */
  readonly server: string | undefined;
  readonly warnings: readonly HealthWarning[];
}

/** What `EventService.health()` reports. */
export interface ServiceHealth {
  /** The command connection's state. */
  readonly connection: ConnectionState;
  /** The server's product and version (`redis 8.6.3`, `valkey 9.1.2`), `memory` for the in-memory broker, `undefined` when the server did not answer. */
  readonly server: string | undefined;
  /** Active consume subscriptions. */
  readonly consumers: readonly ConsumerHealth[];
  /** Active listen subscriptions. */
  readonly listeners: readonly ListenerHealth[];
  /** Conditions that matter for data safety; empty when all is well (always on a `broker` given, `memory-broker` on the default one). */
  readonly warnings: readonly HealthWarning[];
}
