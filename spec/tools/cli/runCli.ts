import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** What a finished CLI run printed and its exit code. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Builds dist/cli.js with the package's own tsup config for the CLI entry, into a fresh dir under
 * node_modules/.cache (inside the package, so that it finds ioredis and rxjs as the installed bin
 * does); resolves with the file and a cleanup.
 */
export async function buildCli(): Promise<{ file: string; remove: () => Promise<void> }> {
  await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'node_modules/.cache/rx-redis-events-cli-'));
  const script = `const pkg = require('./package.json'); require('tsup').build({ ...pkg.tsup.find((c) => c.entry.cli), outDir: ${JSON.stringify(dir)}, config: false, silent: true }).catch((e) => { console.error(e); process.exit(1); });`;
  await new Promise<void>((resolve, reject) => execFile(process.execPath, ['-e', script], { cwd: ROOT }, (error) => (error ? reject(new Error(error.message)) : resolve())));
  return { file: join(dir, 'cli.js'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the built CLI to its end. */
export function runCli(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** A CLI process left running (tail): its stdout lines as they come. */
export class RunningCli {
  readonly lines: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [file, ...args], { env: { PATH: process.env.PATH, ...env } });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.child.stderr.on('data', (chunk: Buffer) => void (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Sends a signal (SIGINT by default) and resolves with the exit code. */
  stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** `text` as one word for `sh`. */
const shellWord = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the built CLI on a pseudo-terminal (util-linux `script`), so that its stdin, stdout and stderr
 * are terminals; writes `answer` to it once its output (stdout and stderr share the terminal) holds
 * `prompt`. Resolves with what the terminal showed (`\r\n` line ends) and the exit code.
 */
export function runInTerminal(file: string, args: readonly string[], env: NodeJS.ProcessEnv, reply?: { prompt: string; answer: string }): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, file, ...args].map(shellWord).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { env: { PATH: process.env.PATH, TERM: 'xterm', ...env } });
  let output = '';
  let answered = false;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (reply && !answered && output.includes(reply.prompt)) {
      answered = true;
      child.stdin.write(reply.answer);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) => child.once('close', (code) => (clearTimeout(timer), resolve({ code, output }))));
}

/** Builds the CLI for the spec file (in `beforeAll`) and removes it afterwards; read `file` inside tests. */
export function useBuiltCli(): { readonly file: string } {
  let built: { file: string; remove: () => Promise<void> } | undefined;
  beforeAll(async () => {
    built = await buildCli();
  }, 60_000);
  afterAll(() => built?.remove());
  return {
    get file() {
      if (!built) throw new Error('useBuiltCli: the CLI is only built inside tests');
      return built.file;
    },
  };
}
