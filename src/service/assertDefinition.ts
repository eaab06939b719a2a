/** Throws a `TypeError` naming `method` unless `value` is a definition of the expected kind. */
export function assertDefinition(value: unknown, kind: 'eventStream' | 'broadcastStream', method: string): void {
  const actual = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (actual !== kind) {
    const got = actual === undefined ? (value === null ? 'null' : typeof value) : `a ${typeof actual === 'string' ? actual : typeof actual}`;
    throw new TypeError(`rx-redis-events: ${method}() needs ${kind === 'eventStream' ? 'an' : 'a'} ${kind}(...) definition, got ${got}`);
  }
}
