import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { runInThisContext } from 'node:vm';
import { eventually, sleep } from './eventually';

/** A private, throwaway redis-server bound to 127.0.0.1. */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (`rediss://` with a TLS listener) */
  readonly url: string;
  /** The server's private working directory (its AOF when persistent), removed by {@link RedisServer.stop}. */
  readonly dir: string;
  /** The pid of the current redis-server process (it changes with {@link RedisServer.restart}). */
  readonly pid: number;
  /** False between a {@link RedisServer.kill} (or the SIGTERM of a restart) and the next start. */
  readonly running: boolean;
  /** SIGTERM (SIGKILL after 5 s), wait for exit, remove `dir`. Idempotent. */
  stop(): Promise<void>;
  /**
   * SIGTERM (SIGKILL after 5 s) and wait for exit unless already down, stay down `downMs`, then start
   * again on the same port and dir with the same arguments; resolves once the new process answers PING.
   */
  restart(options?: { downMs?: number; args?: readonly string[] }): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL). For a signal that ends the process, resolves once it has exited
   * (bring it back with `restart()`); for SIGSTOP/SIGCONT and the like, at once.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /**
   * Appended to the command line, e.g. `['--notify-keyspace-events', 'KEA']`; or a function of the
   * server's private `dir`, for arguments naming files in it (e.g. `--cluster-config-file`).
   */
  readonly args?: readonly string[] | ((dir: string) => readonly string[]);
  /** `--appendonly yes --appendfsync always`: every acknowledged write survives a restart or a kill. Default false (no persistence). */
  readonly persistent?: boolean;
  /** How the server listens and is probed. Default: plain TCP on `port` (see `tlsRedisServer.ts` for TLS). */
  readonly listener?: RedisListener;
}

/** How a server listens and how the readiness probe reaches it. */
export interface RedisListener {
  /** Scheme of the server's `url`: `redis` or `rediss`. */
  readonly scheme: string;
  /** The arguments that make redis-server listen on `port`, e.g. `['--port', '6379']`. */
  args(port: number): string[];
  /** Opens a probe connection to `port` on `host`, calling `ready` once it can carry commands. */
  connect(host: string, port: number, ready: () => void): Socket;
}

/** Plain TCP on `port`: the default listener of {@link startRedisServer}. */
export const PLAIN: RedisListener = {
  scheme: 'redis',
  args: (port) => ['--port', String(port)],
  connect: (host, port, ready) => createConnection({ host, port }).once('connect', ready),
};

type Child = ChildProcessByStdio<null, Readable, Readable>;

/** One redis-server process that answered PING. */
interface Launched {
  readonly child: Child;
  readonly exit: Promise<void>;
  readonly exited: () => boolean;
}

const HOST = '127.0.0.1';
/** The conventional Redis port: never used here, so a developer's own server is never touched. */
const RESERVED_PORT = 6379;
const ATTEMPTS = 5;
const READY_TIMEOUT_MS = 10_000;
const NON_FATAL = new Set<NodeJS.Signals>(['SIGSTOP', 'SIGCONT', 'SIGTSTP', 'SIGWINCH', 'SIGCHLD', 'SIGURG']);

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

/** A loopback port that was free a moment ago (never 6379); whoever binds it may still lose a race. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (port !== RESERVED_PORT) return port;
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True once *this* process (checked by pid, not just the port) answers PING. */
function answersPing(listener: RedisListener, port: number, pid: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = listener.connect(HOST, port, () => socket.write('PING\r\nINFO server\r\n'));
    let reply = '';
    const done = (ok: boolean) => (socket.destroy(), resolve(ok));
    socket.setTimeout(1000, () => done(false));
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
 * Spawns redis-server on `port` and waits until it answers PING: resolves with the process, or with
 * `undefined` if it exited first (port taken); throws if it never answers within 10 s.
 */
async function launch(listener: RedisListener, port: number, dir: string, extra: readonly string[], log: (text: string) => void): Promise<Launched | undefined> {
  const args = [...listener.args(port), '--bind', HOST, '--save', '', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'no'];
  const child = spawn('redis-server', [...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child, dir);
  // Unref'd so a forgotten server can't keep Jest alive; the exit hook then kills it.
  [child, child.stdout as Socket, child.stderr as Socket].forEach((handle) => handle.unref());
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    const onExit = () => ((exited = true), untrack(child), resolve());
    child.once('exit', onExit).once('error', (error) => (log(`${error.message}\n`), onExit()));
  });
  child.stdout.on('data', (chunk: Buffer) => log(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => log(chunk.toString()));

  try {
    await eventually(`redis-server on port ${port} to answer PING`, async () => exited || (await answersPing(listener, port, child.pid ?? -1)), { timeoutMs: READY_TIMEOUT_MS, intervalMs: 20 });
  } catch (error) {
    child.kill('SIGKILL');
    await exit;
    throw error;
  }
  return exited ? undefined : { child, exit, exited: () => exited };
}

/** Sends SIGTERM (SIGKILL after 5 s) and waits for the process to exit. */
async function terminate(server: Launched): Promise<void> {
  if (server.exited()) return;
  server.child.kill('SIGTERM');
  server.child.kill('SIGCONT'); // a SIGSTOPped server acts on SIGTERM only once continued
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await server.exit;
  clearTimeout(timer);
}

/**
 * Starts a redis-server on a free loopback port with a private temp dir, resolving once it answers
 * PING. Without `persistent` nothing is saved; with it, every write is fsynced to an append-only file
 * in `dir`, so `restart()` and `kill()` keep acknowledged data. Retries on a new port if the server
 * exits early (port taken meanwhile), up to 5 times; always pair with `stop()`.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'rx-redis-events-'));
  const persistence = options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const args = typeof options.args === 'function' ? options.args(dir) : (options.args ?? []);
  const extra = [...persistence, ...args];
  const listener = options.listener ?? PLAIN;
  let output = '';
  const log = (text: string) => void (output += text);
  try {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const port = await freePort();
      output = '';
      const launched = await launch(listener, port, dir, extra, log);
      if (launched) return handle(listener, port, dir, launched, (text) => (output = `${output}${text}`.slice(-10_000)), extra);
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}:\n${output}`, { cause: error });
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`redis-server exited early ${ATTEMPTS} times; last output:\n${output}`);
}

function handle(listener: RedisListener, port: number, dir: string, first: Launched, log: (text: string) => void, extra: readonly string[]): RedisServer {
  let current = first;
  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    await terminate(current);
    await rm(dir, { recursive: true, force: true });
  };
  const restart = async ({ downMs = 0, args = [] }: { downMs?: number; args?: readonly string[] } = {}): Promise<void> => {
    if (stopping) throw new Error('redis-server: restart() after stop()');
    await terminate(current);
    if (downMs > 0) await sleep(downMs);
    // The port is ours, but a socket of the old process may linger a moment: try again briefly.
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const launched = await launch(listener, port, dir, [...extra, ...args], log);
      if (launched) return void (current = launched);
      await sleep(100 * attempt);
    }
    throw new Error(`redis-server could not start again on port ${port}`);
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (current.exited()) return;
    current.child.kill(signal);
    if (!NON_FATAL.has(signal)) await current.exit;
  };
  return {
    host: HOST,
    port,
    url: `${listener.scheme}://${HOST}:${port}`,
    dir,
    get pid() {
      return current.child.pid ?? -1;
    },
    get running() {
      return !current.exited();
    },
    stop: () => (stopping ??= stop()),
    restart,
    kill,
  };
}
