/**
 * Whether `object` is a plain object: its prototype is `Object.prototype` or `null`. Plain objects and
 * arrays are what JSON (and superjson, for an object it has no rule for) write key by key and read
 * back as they were; an instance of a class would come back without its prototype.
 */
export function isPlainObject(object: object): boolean {
  const proto: unknown = Object.getPrototypeOf(object);
  return proto === Object.prototype || proto === null;
}

/** The name of the class `object` is an instance of (`Money`), or `undefined` when it has none to show. */
export function classNameOf(object: object): string | undefined {
  const name = (object.constructor as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
