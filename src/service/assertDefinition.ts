/** Throws a `TypeError` naming `method` unless `value` is a definition of the expected kind. */
export function assertDefinition(value: unknown, kind: 'eventStream' | 'broadcastStream', method: string): void {
  const actual = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (actual !== kind) {
    const got = actual === undefined ? (value === null ? 'null' : typeof value) : `a ${typeof actual === 'string' ? actual : typeof actual}`;
    throw new TypeError(`rx-redis-events: ${method}() needs ${kind === 'eventStream' ? 'an' : 'a'} ${kind}(...) definition, got ${got}`);
  }
}

/**
 * Throws a `TypeError` naming `method` for a stream of several partitions: entry ids are only unique
 * within one partition, so a position in a partitioned stream cannot be one id.
 */
export function assertSinglePartition(stream: { readonly name: string; readonly partitions: number }, method: string): void {
  if (stream.partitions !== 1) {
    throw new TypeError(`rx-redis-events: ${method}() reads one Redis stream by entry id; "${stream.name}" has ${stream.partitions} partitions (consume it instead)`);
  }
}
