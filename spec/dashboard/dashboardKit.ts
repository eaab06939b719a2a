import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { RunningCli } from '../cli/runCli';
import { eventually } from '../support/eventually';
import { chromiumLaunch } from '../support/chromium';

const ROOT = join(__dirname, '../..');

/**
 * Builds dist/cli.js and the page script (dist/dashboard-app.global.js) with the package's own tsup
 * configs into a fresh dir under node_modules/.cache, as `npm run build` lays them out.
 */
export async function buildDashboardCli(): Promise<{ file: string; remove: () => Promise<void> }> {
  await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'node_modules/.cache/rx-redis-events-dashboard-'));
  const script = `const pkg = require('./package.json'); const tsup = require('tsup');
Promise.all(pkg.tsup.filter((c) => c.entry.cli || c.entry['dashboard-app']).map((c) => tsup.build({ ...c, outDir: ${JSON.stringify(dir)}, config: false, silent: true }))).catch((e) => { console.error(e); process.exit(1); });`;
  await new Promise<void>((resolve, reject) => execFile(process.execPath, ['-e', script], { cwd: ROOT }, (error) => (error ? reject(new Error(error.message)) : resolve())));
  return { file: join(dir, 'cli.js'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A `rx-redis-events dashboard` child process and the address it printed. */
export interface RunningDashboard {
  readonly cli: RunningCli;
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
}

/** Starts the dashboard on a free port; resolves once it printed where it listens. */
export async function startDashboard(file: string, args: readonly string[]): Promise<RunningDashboard> {
  const cli = new RunningCli(file, ['dashboard', '--port', '0', ...args]);
  let exited = false;
  void cli.exited.then(() => (exited = true));
  try {
    await eventually('the dashboard to listen', () => cli.lines.length > 0 || exited, 15_000);
  } catch (error) {
    await cli.stop('SIGKILL');
    throw error;
  }
  const url = /^dashboard: (http:\/\/\S+\/) /.exec(cli.lines[0] ?? '')?.[1];
  if (!url) {
    await cli.stop('SIGKILL');
    throw new Error(`the dashboard did not start: ${cli.lines.join('\n')}${cli.stderr}`);
  }
  return { cli, url };
}

/**
 * Chromium (the system one, else the one of `@sparticuz/chromium`: see `chromiumLaunch`) with a fresh
 * profile dir under the OS temp dir; `close()` ends it and removes the dir.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const [launch, profile] = await Promise.all([chromiumLaunch(), mkdtemp(join(tmpdir(), 'rx-redis-events-chromium-'))]);
  const { executablePath, args, env } = launch;
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: [...args], env, viewport: { width: 1280, height: 860 } });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

