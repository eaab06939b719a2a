/**
 * The partition of an event: `fnv1a32(key) mod count`, FNV-1a (32 bits) over the key's UTF-8 bytes.
 * Stable across processes, versions and languages.
 */
export function partitionOf(key: string, count: number): number {
  return count === 1 ? 0 : fnv1a32(key) % count;
}

/** FNV-1a, 32 bits, over the UTF-8 encoding of `text` (without allocating it). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  const byte = (value: number) => {
    hash ^= value;
    hash = Math.imul(hash, 0x01000193);
  };
  for (let index = 0; index < text.length; index++) {
    let code = text.codePointAt(index) as number;
    if (code > 0xffff) index++; // a surrogate pair: one code point
    else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // a lone surrogate is encoded as U+FFFD, as TextEncoder does
    if (code < 0x80) {
      byte(code);
    } else if (code < 0x800) {
      byte(0xc0 | (code >> 6));
      byte(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      byte(0xe0 | (code >> 12));
      byte(0x80 | ((code >> 6) & 0x3f));
      byte(0x80 | (code & 0x3f));
    } else {
      byte(0xf0 | (code >> 18));
      byte(0x80 | ((code >> 12) & 0x3f));
      byte(0x80 | ((code >> 6) & 0x3f));
      byte(0x80 | (code & 0x3f));
    }
  }
  return hash >>> 0;
}
