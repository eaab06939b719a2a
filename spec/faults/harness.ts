import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { runInThisContext } from 'node:vm';
import type { PrintedLine, WorkerConfig, WorkerEvent } from './protocol';
import { eventually } from '../support/eventually';

/** A line of a worker's stdout, with the worker's clock when it printed it and the time (ms since epoch) the harness received it. */
export type Received<E extends WorkerEvent['event'] = WorkerEvent['event']> = Extract<WorkerEvent, { event: E }> & { readonly printedAt: number; readonly at: number };

type Child = ChildProcessByStdio<null, Readable, Readable>;

const ROOT = resolve(__dirname, '../..');
const WORKER = resolve(__dirname, 'worker.ts');

// As in redisServer.ts: Jest's `process` copy never sees 'exit', so a crashed spec file would leak
// its workers; the host's real process kills whatever is left.
const hostProcess = runInThisContext('process') as NodeJS.Process;
const alive = new Set<Child>();
const killAll = () => alive.forEach((child) => child.kill('SIGKILL'));

/** One worker process (`spec/faults/worker.ts`) and everything it printed. */
export class Worker {
  readonly lines: Received[] = [];
  /** stderr and stdout lines that are not JSON, kept for failure messages. */
  log = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly child: Child;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly config: WorkerConfig,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    if (alive.size === 0) hostProcess.on('exit', killAll);
    alive.add(this.child);
    this.exited = new Promise((done) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        alive.delete(this.child);
        if (alive.size === 0) hostProcess.off('exit', killAll);
        done();
      });
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.receive(line));
    this.child.stderr.on('data', (chunk: Buffer) => (this.log = `${this.log}${chunk.toString()}`.slice(-20_000)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The lines of one kind. */
  events<E extends WorkerEvent['event']>(event: E): Received<E>[] {
    return this.lines.filter((line): line is Received<E> => line.event === event);
  }

  has(event: WorkerEvent['event']): boolean {
    return this.lines.some((line) => line.event === event);
  }

  /** Resolves once the worker printed `event`; fails if it exits first or after `ms`. */
  async waitFor(event: WorkerEvent['event'], ms: number): Promise<void> {
    await eventually(`${this.name} to print "${event}"`, () => this.has(event) || this.exit !== undefined, { timeoutMs: ms, detail: () => this.describe() });
    if (!this.has(event)) throw new Error(`${this.name} exited before printing "${event}": ${this.describe()}`);
  }

  /** Sends `signal` (default SIGKILL) and waits for the process to end. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.exit) this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM (the worker closes its service), SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Exit status, the last error lines and stderr, for failure messages. */
  describe(): string {
    const errors = this.events('error').slice(-3).map((line) => line.message);
    return `${this.name} pid ${this.pid} exit ${JSON.stringify(this.exit)} errors ${JSON.stringify(errors)} stderr ${this.log.slice(-1500)}`;
  }

  private receive(line: string): void {
    try {
      this.lines.push({ ...(JSON.parse(line) as PrintedLine), at: Date.now() });
    } catch {
      this.log += `${line}\n`;
    }
  }
}

/** The workers of one spec: spawns them, and stops or kills whatever is left. */
export class Fleet {
  readonly workers: Worker[] = [];

  spawn(name: string, config: WorkerConfig): Worker {
    const worker = new Worker(name, config);
    this.workers.push(worker);
    return worker;
  }

  /** Waits until every worker printed `ready` (node + tsx start in about a second each). */
  async ready(ms = 20_000): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.waitFor('ready', ms)));
  }

  /** Every processed line of the workers of `group`. */
  processed(group: string): Received<'processed'>[] {
    return this.workers.flatMap((worker) => worker.events('processed')).filter((line) => line.group === group);
  }

  /** The numbers every producer got acknowledged. */
  produced(): Set<number> {
    return new Set(this.workers.flatMap((worker) => worker.events('produced')).map((line) => line.n));
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  async killAll(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.kill('SIGKILL')));
  }

  describe(): string {
    return this.workers.map((worker) => worker.describe()).join('\n');
  }
}

/** Processing counts of one group: `events` handled in all, `distinct` numbers, `duplicates` = events - distinct. */
export interface Tally {
  readonly events: number;
  readonly distinct: Set<number>;
  readonly duplicates: number;
}

export function tally(lines: readonly { n: number }[]): Tally {
  const distinct = new Set(lines.map((line) => line.n));
  return { events: lines.length, distinct, duplicates: lines.length - distinct.size };
}

/** The members of `expected` missing from `actual`, and the extra ones (at most 10 of each), for failure messages. */
export function difference(expected: ReadonlySet<number>, actual: ReadonlySet<number>): string {
  const missing = [...expected].filter((n) => !actual.has(n));
  const extra = [...actual].filter((n) => !expected.has(n));
  return `missing ${missing.length} ${JSON.stringify(missing.slice(0, 10))}, extra ${extra.length} ${JSON.stringify(extra.slice(0, 10))}`;
}

/** `first`, `first + 1`, ..., `first + count - 1`. */
export function range(first: number, count: number): Set<number> {
  return new Set(Array.from({ length: count }, (_, index) => first + index));
}

/** Prints one line of counts for the run's report. */
export function report(scenario: string, counts: Record<string, number | string>): void {
  const text = Object.entries(counts)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  console.log(`[faults] ${scenario}: ${text}`);
}
