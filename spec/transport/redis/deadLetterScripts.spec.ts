import { TARGET_GROUP_FIELD } from '../../../src/codec/entryFields';
import { toDeadLetterFields, toRedrivenFields } from '../../../src/deadLetters/deadLetterFields';
import { deadLetterKeyOf } from '../../../src/partitions/streamLayout';
import { DEAD_LETTER, REDRIVE } from '../../../src/transport/redis/scripts/deadLetter';
import { luaLiteral } from '../../../src/transport/redis/scripts/luaLiteral';
import { runScript } from '../../../src/transport/redis/scripts/runScript';
import { toFields } from '../../../src/transport/redis/replies';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';

/** The fields of the one entry of `key`, as the transport reads them. */
async function onlyEntry(admin: ReturnType<typeof useRedisServer>['admin'], key: string): Promise<{ id: string; fields: Record<string, string> }> {
  const entries = await admin.xrange(key, '-', '+');
  expect(entries).toHaveLength(1);
  const [id, flat] = entries[0] as [string, string[]];
  return { id, fields: { ...toFields(flat) } };
}

describe('dead-letter scripts - the layout of deadLetterFields, from the same constants', () => {
  const redis = useRedisServer();

  it('DEAD_LETTER - writes what toDeadLetterFields writes, and REDRIVE puts back what toRedrivenFields gives', async () => {
    const key = uniqueName('dl');
    const dlq = deadLetterKeyOf(key);
    const original = { v: '{"json":7}', k: 'c7', [TARGET_GROUP_FIELD]: 'earlier', traceparent: '00-abc-01' };
    const id = await redis.admin.xadd(key, '*', ...Object.entries(original).flat());
    await redis.admin.xgroup('CREATE', key, 'billing', '0');
    await redis.admin.xreadgroup('GROUP', 'billing', 'b-1', 'STREAMS', key, '>');
    const info = { reason: 'rejected', error: 'bad total', deliveryCount: 3 } as const;
    expect(await runScript(redis.admin, DEAD_LETTER, [key, dlq], ['billing', id as string, info.reason, info.error, info.deliveryCount])).toBe(1);
    const letter = await onlyEntry(redis.admin, dlq);
    expect(letter.fields).toEqual(toDeadLetterFields(id as string, 'billing', info, original));
    expect(await redis.admin.xpending(key, 'billing')).toEqual([0, null, null, null]);

    const newId = await runScript(redis.admin, REDRIVE, [key, dlq], [letter.id]);
    const redriven = (await redis.admin.xrange(key, newId as string, newId as string))[0] as [string, string[]];
    expect({ ...toFields(redriven[1]) }).toEqual(toRedrivenFields(letter.fields));
    expect(toRedrivenFields(letter.fields)).toEqual({ v: '{"json":7}', k: 'c7', traceparent: '00-abc-01', [TARGET_GROUP_FIELD]: 'billing' });
    expect(await redis.admin.xlen(dlq)).toBe(0);
  });
});

describe('luaLiteral', () => {
  it('luaLiteral - quotes a plain name, refuses text that would need escaping', () => {
    expect(luaLiteral('o:')).toBe("'o:'");
    expect(() => luaLiteral("it's")).toThrow(new TypeError('rx-redis-events: "it\'s" is not a plain name to put in a Lua script'));
  });
});
