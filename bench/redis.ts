import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** The benchmark's private redis-server: no persistence, loopback only, a free port (never 6379). */
export interface BenchRedis {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** `redis_version` of the running server. */
  readonly version: string;
  /** A new client on the server (the caller closes it). */
  client(): Redis;
  /** FLUSHALL: scenarios start from an empty server. */
  flush(): Promise<void>;
  /** SIGTERM, wait for exit, remove the working directory. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

async function waitForPing(port: number, child: ChildProcess): Promise<Redis> {
  for (let attempt = 0; attempt < 200 && child.exitCode === null; attempt++) {
    const probe = new Redis({ host: HOST, port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return probe;
    } catch {
      probe.disconnect();
    }
    await sleep(25);
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

/** Starts `redis-server --port <free> --save "" --appendonly no` in a temp dir and waits for PING. */
export async function startRedis(): Promise<BenchRedis> {
  let port = await freePort();
  while (port === 6379) port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'rx-redis-events-bench-'));
  const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const admin = await waitForPing(port, child).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const info = await admin.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  return {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    version,
    client: () => new Redis({ host: HOST, port }),
    flush: async () => void (await admin.flushall()),
    stop: async () => {
      admin.disconnect();
      child.kill('SIGTERM');
      await exited;
      process.off('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
