/**
 * Looks for a part of `value` that superjson would drop silently (functions, symbols) and returns
 * its property path and a description of the problem, or `undefined` when the whole value encodes.
 * Shared and circular references are fine: superjson restores them.
 */
export function findUnencodable(value: unknown, path = 'value', seen = new Set<object>()): { path: string; problem: string } | undefined {
  const kind = typeof value;
  if (kind === 'function') return { path, problem: 'is a function' };
  if (kind === 'symbol') return { path, problem: 'is a symbol' };
  if (value === null || kind !== 'object') return undefined;
  const object = value as object;
  if (seen.has(object)) return undefined;
  seen.add(object);
  if (object instanceof Map) {
    let index = 0;
    for (const [key, item] of object) {
      const found = findUnencodable(key, `${path}.<key ${index}>`, seen) ?? findUnencodable(item, `${path}.<value ${index}>`, seen);
      if (found) return found;
      index++;
    }
    return undefined;
  }
  if (object instanceof Set) {
    let index = 0;
    for (const item of object) {
      const found = findUnencodable(item, `${path}.<item ${index++}>`, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(object)) {
    for (let index = 0; index < object.length; index++) {
      const found = findUnencodable(object[index] as unknown, `${path}[${index}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(object)) {
    const found = findUnencodable((object as Record<string, unknown>)[key], `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}
