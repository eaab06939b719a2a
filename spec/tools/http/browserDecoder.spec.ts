import { runInThisContext } from 'node:vm';
import fc from 'fast-check';
import { parse, stringify } from 'superjson';
import { SSE_BROWSER_DECODER_JS } from 'rx-redis-events/http';
import { encodeValue } from '../../../src/codec/entryCodec';

/** The shipped source, evaluated as a page would (a classic script defining a global function). */
// runInThisContext: evaluated as plain script text, the way a page runs it (Jest's sandbox has another Error global)
const decodeEventData = runInThisContext(`(() => {\n${SSE_BROWSER_DECODER_JS}\nreturn decodeEventData;\n})()`) as (text: string) => unknown;

describe('http - SSE_BROWSER_DECODER_JS, the browser-side decoder', () => {
  it('http - decodes what the library encodes (its fast encoder and superjson) exactly as superjson parses it', () => {
    const values: unknown[] = [
      { jobId: 'j1', at: new Date(5), nested: [{ when: new Date(6) }], 'a.b': { 'c\\d': new Date(7) } },
      new Date(8),
      [new Date(9), undefined, 10n, Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      { tags: new Set(['a', 'b']), byId: new Map<string, unknown>([['x', { at: new Date(1) }], ['y', new Set([new Date(2)])]]) },
      { pattern: /a.b\/c/gi, url: new URL('https://example.org/x?y=1'), missing: undefined },
      { shared: [{ n: 1 }, { n: 1 }] },
      null,
      'text',
      42,
    ];
    for (const value of values) {
      expect(decodeEventData(encodeValue('sse', value))).toEqual(parse(encodeValue('sse', value)));
      expect(decodeEventData(stringify(value))).toEqual(value);
    }
    const error = decodeEventData(stringify(new Error('boom'))) as Error;
    expect([Object.prototype.toString.call(error), error.name, error.message]).toEqual(['[object Error]', 'Error', 'boom']);
  });

  it('http - agrees with superjson on random values (property)', () => {
    const leaf = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt(), fc.date({ noInvalidDate: true }));
    const { value } = fc.letrec((tie) => {
      const items = fc.array(tie('value'), { maxLength: 3 });
      const set = items.map((list) => new Set(list));
      const map = items.map((list) => new Map(list.map((item, index) => [index, item])));
      // superjson refuses to write the keys __proto__, constructor and prototype (a prototype pollution risk)
      const key = fc.string().filter((name) => !['__proto__', 'constructor', 'prototype'].includes(name));
      return { value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value')), fc.dictionary(key, tie('value')), set, map) };
    });
    fc.assert(
      fc.property(value, (sample) => {
        const text = stringify(sample);
        expect(decodeEventData(text)).toEqual(parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('http - refuses annotation paths through __proto__ and types it does not know', () => {
    expect(() => decodeEventData('{"json":{"a":"1970-01-01T00:00:00.000Z"},"meta":{"values":{"__proto__.x":["Date"]},"v":1}}')).toThrow('unsafe path');
    expect(() => decodeEventData('{"json":{"a":{}},"meta":{"values":{"a":[["class","Point"]]},"v":1}}')).toThrow('needs superjson itself');
    expect(() => decodeEventData('[1]')).toThrow('not a superjson document');
  });
});
