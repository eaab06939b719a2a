import { findUnsafeKey, mayHoldUnsafeKey } from '../../src/codec/unsafeKeys';

describe('unsafeKeys', () => {
  it.each([
    ['{"__proto__":{"admin":true}}', true],
    ['{"a":{"constructor":{"prototype":1}}}', true],
    ['{"prototype":1}', true],
    ['{"\\u005f_proto__":1}', true],
    ['{"id":"order-1","tags":["proto","construct"],"note":"\\n"}', false],
    ['', false],
  ])('mayHoldUnsafeKey - %p: %p', (text, expected) => {
    expect(mayHoldUnsafeKey(text)).toBe(expected);
  });

  it('findUnsafeKey - finds an unsafe own key at any depth, and nothing in a value without one', () => {
    expect(findUnsafeKey(JSON.parse('{"a":[{"b":{"__proto__":1}}]}'))).toBe('__proto__');
    expect(findUnsafeKey({ a: [{ b: { constructor: 1 } }] })).toBe('constructor');
    expect(findUnsafeKey({ a: [1, 'prototype', { b: null }] })).toBeUndefined();
  });
});
