import { fnv1a32, partitionOf } from '../../src/partitions/partitionOf';

/** FNV-1a over bytes, written out for the test. */
function reference(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash >>> 0;
}

describe('partitions', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('fnv1a32(%p) is the published FNV-1a test vector', (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });

  it.each(['job-17', 'é', 'ジョブ', 'smile 😀', 'lone \ud800 surrogate', 'lone \udc00 low', 'ends high \ud83d', ''])('fnv1a32(%p) hashes the UTF-8 bytes TextEncoder gives', (text) => {
    expect(fnv1a32(text)).toBe(reference(new TextEncoder().encode(text)));
  });

  it('partitionOf is fnv1a32(key) mod N, and 0 for one partition', () => {
    expect(partitionOf('job-17', 7)).toBe(fnv1a32('job-17') % 7);
    expect(partitionOf('job-17', 1)).toBe(0);
  });
});
