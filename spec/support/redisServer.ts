import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { runInThisContext } from 'node:vm';

/** A private, throwaway redis-server bound to 127.0.0.1 (no persistence). */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The server's private working directory, removed by {@link RedisServer.stop}. */
  readonly dir: string;
  /** SIGTERM (SIGKILL after 5 s), wait for exit, remove `dir`. Idempotent. */
  stop(): Promise<void>;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

const HOST = '127.0.0.1';
const ATTEMPTS = 5;
const READY_TIMEOUT_MS = 10_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Jest gives each test file a copy of `process` whose 'exit' never fires; hook the host's real one
// so a test file that crashes (or forgets stop()) never leaks a redis-server.
const hostProcess = runInThisContext('process') as NodeJS.Process;
const running = new Map<Child, string>();
function killAll(): void {
  running.forEach((dir, child) => (child.kill('SIGKILL'), rmSync(dir, { recursive: true, force: true })));
}
function track(child: Child, dir: string): void {
  if (running.size === 0) hostProcess.on('exit', killAll);
  running.set(child, dir);
}
function untrack(child: Child): void {
  if (running.delete(child) && running.size === 0) hostProcess.off('exit', killAll);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True once *this* process (checked by pid, not just the port) answers PING. */
function answersPing(port: number, pid: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\nINFO server\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      const found = /process_id:(\d+)\r\n/.exec(reply);
      if (found || reply.startsWith('-')) done(reply.startsWith('+PONG\r\n') && Number(found?.[1]) === pid);
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/**
 * Starts a redis-server on a free loopback port with a private temp dir and no persistence,
 * resolving once it answers PING. `options.args` are appended to the command line
 * (e.g. `['--notify-keyspace-events', 'KEA']`). Retries on a new port if the server exits
 * early (port taken meanwhile), up to 5 times; always pair with `stop()`.
 */
export async function startRedisServer(options: { args?: string[] } = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rx-redis-events-'));
  let output = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir];
    const child = spawn('redis-server', [...args, '--daemonize', 'no', '--protected-mode', 'no', ...(options.args ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(child, dir);
    // Unref'd so a forgotten server can't keep Jest alive; the exit hook then kills it.
    [child, child.stdout as Socket, child.stderr as Socket].forEach((handle) => handle.unref());
    output = '';
    let exited = false;
    const exit = new Promise<void>((resolve) => {
      const onExit = () => ((exited = true), untrack(child), resolve());
      child.once('exit', onExit).once('error', (error) => ((output += `${error.message}\n`), onExit()));
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (!exited && !ready && Date.now() < deadline) {
      ready = await answersPing(port, child.pid ?? -1);
      if (!ready) await delay(20);
    }

    if (ready) {
      let stopping: Promise<void> | undefined;
      const stop = async (): Promise<void> => {
        if (!exited) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exit;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      };
      return { host: HOST, port, url: `redis://${HOST}:${port}`, dir, stop: () => (stopping ??= stop()) };
    }
    if (!exited) {
      child.kill('SIGKILL');
      await exit;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`redis-server exited early ${ATTEMPTS} times; last output:\n${output}`);
}
