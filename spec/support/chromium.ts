import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sparticuz from '@sparticuz/chromium';

const ROOT = join(__dirname, '../..');

/** Debian's chromium (`apt-get install chromium`), used when it is installed. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Headless, as root, and quiet on a machine without outside network. */
const HEADLESS_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The fontconfig file of the bundled fonts: `fonts/` beside it, the cache one level up. */
export const FONTS_CONF = '<?xml version="1.0"?>\n<fontconfig><dir prefix="relative">fonts</dir><cachedir prefix="relative">../fonts-cache</cachedir></fontconfig>\n';

/** What `chromium.launchPersistentContext` of playwright-core needs to start a browser. */
export interface ChromiumLaunch {
  readonly executablePath: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** `system` for {@link SYSTEM_CHROMIUM}, `npm` for the one of `@sparticuz/chromium`. */
  readonly source: 'system' | 'npm';
}

/**
 * The system Chromium when `system` is an executable file, otherwise the Chromium that the
 * `@sparticuz/chromium` dev dependency ships inside its npm tarball (no apt-get, no download):
 * unpacked once per package version into node_modules/.cache, with that package's flags.
 */
export async function chromiumLaunch(system = SYSTEM_CHROMIUM): Promise<ChromiumLaunch> {
  if (isExecutable(system)) return { executablePath: system, args: HEADLESS_ARGS, env: process.env, source: 'system' };
  const { dir, args } = await unpackNpmChromium();
  // the bundled fonts, so that pages render the same on a machine without any
  return { executablePath: join(dir, 'chromium'), args: [...args, ...HEADLESS_ARGS], env: { ...process.env, FONTCONFIG_PATH: join(dir, 'fonts') }, source: 'npm' };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Unpacks `@sparticuz/chromium` (the binary, its GL libraries, fonts) into a dir of its own. The
 * package unpacks into `os.tmpdir()` and takes any `chromium` file already there as its own; a child
 * process with `TMPDIR` set to a fresh dir keeps it from another checkout's or a half-written one,
 * and the finished dir is renamed into place, so that parallel runs never see a partial unpack.
 */
async function unpackNpmChromium(): Promise<{ dir: string; args: readonly string[] }> {
  const entry = require.resolve('@sparticuz/chromium');
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '../../package.json'), 'utf8')) as { version: string };
  const cache = join(ROOT, 'node_modules/.cache');
  const dir = join(cache, `rx-redis-events-chromium-${version}`);
  const args = sparticuz.args;
  if (existsSync(join(dir, 'chromium'))) return { dir, args };
  await mkdir(cache, { recursive: true });
  const staging = await mkdtemp(join(cache, 'rx-redis-events-chromium-unpacking-'));
  try {
    await unpack(staging);
    // paths relative to this file: the dir stays usable wherever it is reached from (a node_modules shared by a symlink)
    await writeFile(join(staging, 'fonts', 'fonts.conf'), FONTS_CONF);
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, 'chromium'))) throw error; // else another run finished first: use its dir
    });
    return { dir, args };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function unpack(into: string): Promise<void> {
  const script = "require('@sparticuz/chromium').executablePath().catch((e) => { console.error(e); process.exit(1); });";
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, TMPDIR: into }, timeout: 120_000 }, (error) => (error ? reject(new Error(`unpacking @sparticuz/chromium failed: ${error.message}`)) : resolve())),
  );
}
