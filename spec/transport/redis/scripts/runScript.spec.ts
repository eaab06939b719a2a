import { luaScript, runScript } from '../../../../src/transport/redis/scripts/runScript';
import type { RedisClient } from '../../../../src/transport/redis/connect';

/** A client whose EVALSHA fails with `message`; records what ran. */
function failingClient(message: string): { client: RedisClient; ran: string[] } {
  const ran: string[] = [];
  const client = {
    evalsha: () => (ran.push('evalsha'), Promise.reject(new Error(message))),
    eval: () => (ran.push('eval'), Promise.resolve('ok')),
  } as unknown as RedisClient;
  return { client, ran };
}

describe('runScript', () => {
  const script = luaScript('return 1');

  it.each([
    'NOSCRIPT No matching script. Please use EVAL.',
    'Too many Cluster redirections. Last error: NOSCRIPT No matching script. Please use EVAL.',
  ])('runScript - after %p it sends the source with EVAL', async (message) => {
    const { client, ran } = failingClient(message);
    await expect(runScript(client, script, ['k'], [])).resolves.toBe('ok');
    expect(ran).toEqual(['evalsha', 'eval']);
  });

  it('runScript - other failures are not retried', async () => {
    const { client, ran } = failingClient('NOPERM this user has no permissions to run the evalsha command');
    await expect(runScript(client, script, ['k'], [])).rejects.toThrow('NOPERM');
    expect(ran).toEqual(['evalsha']);
  });
});
