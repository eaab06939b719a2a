import { SuperJSON } from 'superjson';

/** The registries of superjson's default instance, where `superjson.registerClass` and `registerCustom` record what they are given. */
interface Registries {
  readonly classRegistry: { getIdentifier(value: unknown): string | undefined };
  readonly customTransformerRegistry: { findApplicable(value: unknown): unknown };
}

const registries = (SuperJSON as unknown as { defaultInstance: Registries }).defaultInstance;

/** How superjson writes a non-plain object: walked key by key (`'walk'`), as a whole (`'whole'`), or not at all: it has no rule for it. */
export type SuperjsonHandling = 'walk' | 'whole' | 'unknown';

/**
 * How the default superjson instance writes `object`, which is not a plain object, array, `Map` or
 * `Set`: an instance of a class registered with `superjson.registerClass` is walked key by key; a
 * value a `registerCustom` transformer applies to, a `Date`, `RegExp`, `Error`, `URL` or typed array is
 * written whole; anything else is `'unknown'` (superjson would write its keys as a plain object's and
 * it would arrive without its class).
 */
export function superjsonHandling(object: object): SuperjsonHandling {
  if (object.constructor && registries.classRegistry.getIdentifier(object.constructor) !== undefined) return 'walk';
  if (registries.customTransformerRegistry.findApplicable(object) !== undefined) return 'whole';
  if (object instanceof Date || object instanceof RegExp || object instanceof Error || object instanceof URL) return 'whole';
  return ArrayBuffer.isView(object) && !(object instanceof DataView) ? 'whole' : 'unknown';
}
