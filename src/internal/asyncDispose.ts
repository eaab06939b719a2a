/** `Symbol.asyncDispose` where the runtime has it (Node 20.4 and later, Bun, Deno). */
const native = (Symbol as { readonly asyncDispose?: symbol }).asyncDispose;

/**
 * `Symbol.asyncDispose`, or where a runtime without it (and the TypeScript and polyfill helpers for
 * `await using`) look for it: `Symbol.for('Symbol.asyncDispose')`.
 */
export const asyncDispose: typeof Symbol.asyncDispose = (native ?? Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;
