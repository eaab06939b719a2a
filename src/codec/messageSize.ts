/** Default of the `maxMessageBytes` option: 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * Whether `text` takes more than `maxBytes` bytes in UTF-8 (as Redis stores it), measured cheaply:
 * a UTF-16 code unit takes 1 to 3 UTF-8 bytes, so the length alone decides unless it lies between
 * `maxBytes / 3` and `maxBytes`; only then are the bytes counted.
 */
export function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return Buffer.byteLength(text, 'utf8') > maxBytes;
}

/** The size of `text` in UTF-8 bytes (a lone surrogate counts as the 3 bytes of U+FFFD, as Redis stores it). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
