import { autoAck, eventStream } from '../../src';
import type { BackendContext } from './backend';
import { uniqueName } from './helpers';
import { eventually } from '../support/eventually';

/** A crafted value field and what a consumer must make of it: a delivery of exactly `value`, or a dead letter with reason `decode`. */
type Crafted = readonly [label: string, v: string, outcome: { delivered: unknown } | 'decode'];

const polluting = '{"polluted":"yes"}';

/** Plain JSON documents (no superjson meta): keys that reach prototypes, however they are spelled. */
const plainJson: Crafted[] = [
  ['a "__proto__" key', `{"json":{"__proto__":${polluting}}}`, 'decode'],
  ['a nested "constructor.prototype"', `{"json":{"a":{"constructor":{"prototype":${polluting}}}}}`, 'decode'],
  ['a "prototype" key in an array', `{"json":[{"prototype":${polluting}}]}`, 'decode'],
  ['"__proto__" spelled with a \\u escape', `{"json":{"\\u005f_proto__":${polluting}}}`, 'decode'],
  ['"constructor" spelled with \\u escapes', `{"json":{"\\u0063onstructor":{"prototype":${polluting}}}}`, 'decode'],
  ['a "__proto__" beside the envelope', `{"__proto__":${polluting},"json":{"ok":1}}`, 'decode'],
  ['the words as string values', '{"json":{"text":"__proto__ constructor prototype","list":["__proto__"]}}', { delivered: { text: '__proto__ constructor prototype', list: ['__proto__'] } }],
  ['harmless \\u escapes', '{"json":{"\\u00e9":"\\u00e9\\u0000"}}', { delivered: { é: 'é\u0000' } }],
  ['a JSON string, not an envelope', '"{\\"json\\":1}"', 'decode'],
];

/** superjson documents whose meta aims at prototypes or at code: superjson refuses them, or they decode to plain data. */
const superjsonMeta: Crafted[] = [
  ['a value annotation on "__proto__.polluted"', '{"json":{"a":"2020-01-01T00:00:00.000Z"},"meta":{"values":{"__proto__.polluted":["Date"]},"v":1}}', 'decode'],
  ['a value annotation on "a.__proto__.polluted"', '{"json":{"a":{}},"meta":{"values":{"a.__proto__.polluted":["bigint"]}}}', 'decode'],
  ['a value annotation on "constructor.prototype.polluted"', '{"json":{},"meta":{"values":{"constructor.prototype.polluted":["undefined"]},"v":1}}', 'decode'],
  ['a referential equality to "__proto__"', `{"json":{"a":${polluting}},"meta":{"referentialEqualities":{"a":["__proto__"]}}}`, 'decode'],
  ['a referential equality to "b.__proto__"', `{"json":{"a":${polluting},"b":{}},"meta":{"referentialEqualities":{"a":["b.__proto__"]}}}`, 'decode'],
  ['a referential equality to "b.constructor.prototype"', `{"json":{"a":${polluting},"b":{}},"meta":{"referentialEqualities":{"a":["b.constructor.prototype"]},"v":1}}`, 'decode'],
  ['a class annotation naming Object', `{"json":{"a":${polluting}},"meta":{"values":{"a":[["class","Object"]]}}}`, 'decode'],
  ['a class annotation naming "constructor"', '{"json":{"a":"1"},"meta":{"values":{"a":[["class","constructor"]]}}}', 'decode'],
  ['a custom annotation naming Function', '{"json":{"a":"process.exit(1)"},"meta":{"values":{"a":[["custom","Function"]]}}}', 'decode'],
  ['a symbol annotation naming process', '{"json":{"a":"process"},"meta":{"values":{"a":[["symbol","process"]]}}}', 'decode'],
  ['an Error annotation carrying "__proto__"', `{"json":{"a":{"name":"Error","message":"m","__proto__":${polluting}}},"meta":{"values":{"a":["Error"]}}}`, 'decode'],
  ['a Map whose key is "__proto__"', `{"json":{"a":[["__proto__",${polluting}]]},"meta":{"values":{"a":["map"]}}}`, { delivered: { a: new Map([['__proto__', { polluted: 'yes' }]]) } }],
  ['a regexp annotation (built, never run)', '{"json":{"a":"/(a+)+$/"},"meta":{"values":{"a":["regexp"]}}}', { delivered: { a: /(a+)+$/ } }],
  ['an annotation on a missing path', '{"json":{"a":1},"meta":{"values":{"missing.deep":["Date"]}}}', { delivered: { a: 1 } }],
  ['a bigint annotation on something else than digits', '{"json":{"a":"1n; process.exit(1)"},"meta":{"values":{"a":["bigint"]},"v":1}}', 'decode'],
];

/** Decoding never runs code and never writes into a shared prototype, whatever the entry holds. */
export function safeDecodingSuite(ctx: () => BackendContext): void {
  it.each([
    ['plain JSON', plainJson],
    ['superjson meta', superjsonMeta],
  ] as const)('safe decoding - crafted %s documents are delivered as exactly their value or dead-lettered with reason decode; no prototype changes', async (_kind, cases) => {
    const stream = eventStream<unknown>(uniqueName('crafted'));
    const service = ctx().createService({ group: 'A' });
    const ids: string[] = [];
    for (const [, v] of cases) ids.push(await ctx().appendRaw(stream.name, { v }));
    const expectedDelivered = cases.filter(([, , outcome]) => outcome !== 'decode');
    const got: (readonly [string, unknown])[] = [];
    const subscription = service.consume(stream, { from: 'start' }).pipe(autoAck()).subscribe((d) => got.push([d.id, d.value]));
    const deadLetterCount = cases.length - expectedDelivered.length;
    await eventually('every entry delivered or dead-lettered', async () => got.length === expectedDelivered.length && (await service.deadLetters(stream)).length === deadLetterCount);
    subscription.unsubscribe();
    const letters = await service.deadLetters(stream);
    const outcomes = cases.map(([label], index) => {
      const delivered = got.find(([id]) => id === ids[index]);
      const letter = letters.find((l) => l.sourceId === ids[index]);
      return [label, delivered ? { delivered: delivered[1] } : letter?.reason] as const;
    });
    expect(outcomes).toEqual(cases.map(([label, , outcome]) => [label, outcome]));
    expect(letters.every((l) => l.error.length > 0 && l.value === undefined)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const prototype of [Object.prototype, Array.prototype, Function.prototype, Map.prototype, Error.prototype]) expect(prototype).not.toHaveProperty('polluted');
    await eventually('nothing pending', async () => (await ctx().pendingCount(stream.name, 'A')) === 0);
  });
}
