import { RxRedisEventsError } from './RxRedisEventsError';

/**
 * `produce` with the service's `durability` option: fewer replicas than asked confirmed the entries
 * within `durability.timeoutMs` (Redis `WAIT`). The entries are on the master, so consumers will see
 * them as long as it lives, but they may or may not survive a failover. Retriable: producing again
 * can duplicate them.
 */
export class ReplicationTimeoutError extends RxRedisEventsError {
  /** The stream produced to, without the prefix. */
  readonly stream: string;
  /** How many replicas had to confirm the entries (`durability.replicas`). */
  readonly replicas: number;
  /** How many did within the time (on a cluster, the fewest of the masters written to). */
  readonly acknowledged: number;
  /** How long it waited, in ms (`durability.timeoutMs`). */
  readonly timeoutMs: number;

  constructor(stream: string, replicas: number, acknowledged: number, timeoutMs: number, cause?: unknown) {
    super(
      `produce to "${stream}": ${acknowledged} of ${replicas} replicas confirmed the entries within ${timeoutMs} ms; ` +
        'the entries are on the master and may or may not survive a failover (producing again can duplicate them)',
      { retriable: true, cause },
    );
    this.stream = stream;
    this.replicas = replicas;
    this.acknowledged = acknowledged;
    this.timeoutMs = timeoutMs;
  }
}
