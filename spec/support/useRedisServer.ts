import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from './redisServer';

/** A private redis-server for the spec file (started in `beforeAll`, stopped in `afterAll`) and an admin client on it. */
export interface RedisFixture {
  readonly server: RedisServer;
  readonly admin: Redis;
}

/** Registers the hooks that start and stop a private redis-server; read `server`/`admin` inside tests. */
export function useRedisServer(options?: Parameters<typeof startRedisServer>[0]): RedisFixture {
  let server: RedisServer | undefined;
  let admin: Redis | undefined;
  beforeAll(async () => {
    server = await startRedisServer(options);
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    await admin?.quit();
    await server?.stop();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRedisServer: the server is only there inside tests');
    return value;
  };
  return {
    get server() {
      return ready(server);
    },
    get admin() {
      return ready(admin);
    },
  };
}
