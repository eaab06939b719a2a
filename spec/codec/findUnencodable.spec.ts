import superjson from 'superjson';
import { findUnencodable } from '../../src/codec/findUnencodable';

class Money {
  constructor(readonly cents: number) {}
}
class Registered {
  constructor(readonly cents: number) {}
}
class Custom {
  constructor(readonly text: string) {}
}
class Holder {
  constructor(readonly inner: unknown) {}
}
superjson.registerClass(Registered, { identifier: 'spec.findUnencodable.Registered' });
superjson.registerClass(Holder, { identifier: 'spec.findUnencodable.Holder' });
superjson.registerCustom<Custom, string>({ isApplicable: (v): v is Custom => v instanceof Custom, serialize: (v) => v.text, deserialize: (v) => new Custom(v) }, 'spec.findUnencodable.Custom');

const MONEY_PROBLEM =
  'is an instance of Money, a class superjson does not know (it would arrive as a plain object, without its class): register the class with superjson.registerClass(Money) or superjson.registerCustom(...) before producing, or send a plain object';

describe('findUnencodable', () => {
  it('findUnencodable - an instance of a class superjson does not know is refused with its path and class', () => {
    expect(findUnencodable({ price: new Money(5) })).toEqual({ path: 'value.price', problem: MONEY_PROBLEM });
    expect(findUnencodable(new Money(5))).toEqual({ path: 'value', problem: MONEY_PROBLEM });
    expect(findUnencodable({ list: [1, { m: new Map([['k', new Money(1)]]) }] })).toEqual({ path: 'value.list[1].m.<value 0>', problem: MONEY_PROBLEM });
    expect(findUnencodable({ inside: new Holder({ price: new Money(5) }) })).toEqual({ path: 'value.inside.inner.price', problem: MONEY_PROBLEM });
  });

  it('findUnencodable - an anonymous class is refused too, without a name to show', () => {
    const anonymous = new (class {})();
    expect(findUnencodable({ a: anonymous })?.problem).toBe(
      'is an object whose prototype superjson does not know (it would arrive as a plain object, without its class): register the class with superjson.registerClass(TheClass) or superjson.registerCustom(...) before producing, or send a plain object',
    );
  });

  it('findUnencodable - plain data, what superjson knows and registered classes or transformers encode', () => {
    const allowed = {
      plain: { a: 1, nested: [{ b: 'x' }], none: Object.create(null) as object },
      at: new Date(0),
      map: new Map([['k', new Set([1])]]),
      pattern: /x/g,
      error: new RangeError('bad'),
      url: new URL('https://example.com/'),
      big: 10n,
      bytes: new Uint8Array([1, 2]),
      floats: new Float64Array(1),
      registered: new Registered(5),
      custom: new Custom('c'),
      holder: new Holder([new Registered(1)]),
    };
    expect(findUnencodable(allowed)).toBeUndefined();
  });

  it('findUnencodable - functions and symbols are still refused', () => {
    expect(findUnencodable({ f: () => 1 })).toEqual({ path: 'value.f', problem: 'is a function' });
    expect(findUnencodable({ s: Symbol('s') })).toEqual({ path: 'value.s', problem: 'is a symbol' });
  });
});
