import { preview } from '../../../../src/tools/testing/internal/preview';
import { createFakeDelivery } from '../../../../src/tools/testing/createFakeDelivery';

describe('preview', () => {
  it.each<[unknown, string]>([
    [3, '3'],
    ['b', '"b"'],
    [undefined, 'undefined'],
    [{ id: 2, extra: undefined, n: NaN, big: 10n }, '{"id":2,"extra":undefined,"n":NaN,"big":10n}'],
    [new TypeError('bad'), 'TypeError: bad'],
    [{ ok: false, error: new Error('boom') }, '{"ok":false,"error":"Error: boom"}'],
    [{ when: new Date(5), tags: new Set(['a']), byId: new Map([['x', 1]]) }, '{"when":"1970-01-01T00:00:00.005Z","tags":["a"],"byId":{"x":1}}'],
    [{ item: createFakeDelivery({ id: 'b', value: 2 }, () => undefined), run: () => 1 }, '{"item":"delivery b"}'],
    [function handler() {}, '[Function handler]'],
  ])('preview - %p is written %p', (value, text) => {
    expect(preview(value)).toBe(text);
  });

  it('preview - long values are cut at the length with an ellipsis; cycles fall back to inspect', () => {
    expect(preview({ text: 'x'.repeat(100) }, 20)).toBe('{"text":"xxxxxxxxxx…');
    const cycle: Record<string, unknown> = { id: 1 };
    cycle.self = cycle;
    expect(preview(cycle)).toBe('<ref *1> { id: 1, self: [Circular *1] }');
  });
});
