import { z } from 'zod';
import * as v from 'valibot';
import type { StandardSchemaV1 } from '../../src';
import { checkValue } from '../../src/validation/checkValue';

const schemaOf = (validate: (value: unknown) => unknown): StandardSchemaV1<unknown, unknown> => ({ '~standard': { version: 1, vendor: 'spec', validate: validate as StandardSchemaV1['~standard']['validate'] } });

describe('checkValue', () => {
  it('checkValue - a synchronous schema answers synchronously: the output, or the issues with plain-key paths', () => {
    const schema = z.object({ n: z.number().default(5), s: z.string().trim() });
    expect(checkValue(schema, { s: ' a ' })).toEqual({ valid: true, value: { n: 5, s: 'a' } });
    expect(checkValue(schema, { s: 1 })).toEqual({ valid: false, issues: [{ message: 'Invalid input: expected string, received number', path: ['s'] }] });
    // valibot's path segments are objects with a key
    expect(checkValue(v.object({ list: v.array(v.number()) }), { list: [1, 'x'] })).toEqual({ valid: false, issues: [{ message: 'Invalid type: Expected number but received "x"', path: ['list', 1] }] });
  });

  it('checkValue - a schema answering with a Promise gives a Promise of the outcome', async () => {
    const outcome = checkValue(z.string().refine((text) => Promise.resolve(text.length > 2), 'too short'), 'ab');
    expect(outcome).toBeInstanceOf(Promise);
    expect(await outcome).toEqual({ valid: false, issues: [{ message: 'too short', path: [] }] });
  });

  it('checkValue - a validate that throws, rejects or answers nonsense is an issue, never an exception', async () => {
    const boom = new Error('boom');
    expect(checkValue(schemaOf(() => { throw boom; }), 1)).toEqual({ valid: false, issues: [{ message: "the schema's validate threw: boom", path: [] }], cause: boom });
    expect(await checkValue(schemaOf(() => Promise.reject(boom)), 1)).toEqual({ valid: false, issues: [{ message: "the schema's validate threw: boom", path: [] }], cause: boom });
    expect(checkValue(schemaOf(() => null), 1)).toEqual({ valid: false, issues: [{ message: "the schema's validate answered null, neither a value nor issues", path: [] }] });
  });
});
