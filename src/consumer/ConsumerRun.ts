/** What the service needs of a running consume subscription: a consumer loop, or an ordered consumer of several partitions. */
export interface ConsumerRun {
  /** Stops reading; deliveries already emitted stay valid. Idempotent. */
  stop(): void;
  /** Stops renewing the leases of deliveries still unsettled (the service closes without them): they go idle and are taken over. Idempotent. */
  abandon(): void;
  /** Resolves once every emitted delivery has been acked or nacked. */
  whenSettled(): Promise<void>;
  /** Deliveries emitted and not acked yet. */
  readonly inFlightCount: number;
}
