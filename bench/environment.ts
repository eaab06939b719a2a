import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

/** Where and with what a run happened. */
export interface BenchEnvironment {
  readonly date: string;
  readonly node: string;
  readonly redis: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly commit: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  /** 1-minute load average when the run started (other work on the machine skews the numbers). */
  readonly loadAtStart: number;
}

const ROOT = resolve(__dirname, '..');

function packageVersion(name: string): string {
  const path = name === 'rx-redis-events' ? join(ROOT, 'package.json') : join(ROOT, 'node_modules', name, 'package.json');
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function gitDescription(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `${git('rev-parse', '--short', 'HEAD')}${changed > 0 ? ` + ${changed} uncommitted change(s) under src/` : ''}`;
  } catch {
    return 'unknown';
  }
}

/** Collects versions and machine facts; `redis` is the server's `redis_version`. */
export function benchEnvironment(redis: string): BenchEnvironment {
  const processors = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    redis,
    packages: Object.fromEntries(['rx-redis-events', 'rxjs', 'ioredis', 'superjson', 'bullmq'].map((name) => [name, packageVersion(name)])),
    commit: gitDescription(),
    cpu: processors[0]?.model ?? 'unknown',
    cores: processors.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    loadAtStart: loadavg()[0] ?? 0,
  };
}
