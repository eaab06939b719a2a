/**
 * `text` as a Lua string literal, for building a script's source from the library's constants (field
 * names, prefixes) instead of repeating them in the Lua text.
 *
 * @throws TypeError for text that needs escaping: the constants are plain names.
 */
export function luaLiteral(text: string): string {
  if (!/^[\w:.-]*$/.test(text)) throw new TypeError(`rx-redis-events: ${JSON.stringify(text)} is not a plain name to put in a Lua script`);
  return `'${text}'`;
}
