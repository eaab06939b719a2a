import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository, where `rx-redis-events` resolves to dist/ through package.json `exports`. */
export const ROOT = join(__dirname, '..', '..');

/** The entry points of the package, as named in dist/. */
export const ENTRY_POINTS = ['index', 'testing', 'http', 'nestjs'] as const;
/** The built files the package specs load (both module formats of every entry point, and their types). */
const ENTRY_FILES = ENTRY_POINTS.flatMap((entry) => ['js', 'mjs', 'd.ts', 'd.mts'].map((extension) => `${entry}.${extension}`));
/** What the build reads: when any of it is newer than the oldest built entry, dist/ is stale. */
const INPUTS = ['src', 'package.json', 'tsconfig.json'];
/** A build is slow on a loaded machine: a `beforeAll` calling {@link ensureBuilt} needs this long. */
export const BUILD_TIMEOUT_MS = 600_000;

/**
 * Runs `npm run build` when dist/ lacks an entry file or is older than a file under src/ or the
 * package's configuration, so that specs of the built package never test yesterday's code. Suites in
 * parallel workers take turns through a lock file holding the builder's pid (a dead builder's lock is
 * taken over); the one that waited finds dist/ fresh.
 */
export function ensureBuilt(): void {
  const lock = join(ROOT, 'node_modules/.cache/rx-redis-events-build.pid');
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (!tryLock(lock)) {
    if (Date.now() > deadline) throw new Error(`dist/ build: ${lock} held for more than ${BUILD_TIMEOUT_MS} ms`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  try {
    if (isStale()) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore', timeout: BUILD_TIMEOUT_MS });
  } finally {
    rmSync(lock, { force: true });
  }
}

function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(lock, { encoding: 'utf8', flag: 'r' }));
  if (!(holder > 0) || isAlive(holder)) return false; // no pid yet: just created
  rmSync(lock, { force: true }); // left by a run that was killed mid-build
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(): boolean {
  let built = Infinity;
  for (const file of ENTRY_FILES) {
    const stat = statSync(join(ROOT, 'dist', file), { throwIfNoEntry: false });
    if (!stat) return true;
    built = Math.min(built, stat.mtimeMs);
  }
  return INPUTS.some((input) => newestMtime(join(ROOT, input)) > built);
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** Runs `node` with these arguments in the repository (as an application that installed the package would) and returns its trimmed stdout. */
export function node(args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } }).trim();
}
