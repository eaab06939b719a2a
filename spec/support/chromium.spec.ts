import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumLaunch, FONTS_CONF } from './chromium';

describe('chromium - the browser of the browser specs', () => {
  it('chromium - an executable system Chromium is used as it is, with the headless flags', async () => {
    const launch = await chromiumLaunch(process.execPath); // any executable file stands in for /usr/bin/chromium
    expect({ executablePath: launch.executablePath, source: launch.source }).toEqual({ executablePath: process.execPath, source: 'system' });
    expect(launch.args).toEqual(expect.arrayContaining(['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']));
  });

  it('chromium - without a system Chromium, the one of @sparticuz/chromium is unpacked from node_modules and used with its flags and fonts', async () => {
    const launch = await chromiumLaunch('/nonexistent/chromium');
    expect(launch.source).toBe('npm');
    expect(launch.executablePath).toMatch(/node_modules\/\.cache\/rx-redis-events-chromium-[\d.]+\/chromium$/);
    expect(() => accessSync(launch.executablePath, constants.X_OK)).not.toThrow();
    expect(launch.args).toEqual(expect.arrayContaining(['--no-zygote', '--no-sandbox', '--headless', '--disable-gpu']));
    expect(launch.env.FONTCONFIG_PATH).toBe(launch.executablePath.replace(/chromium$/, 'fonts'));
    // the fonts are named relative to the config file: the unpacked dir still has them when reached through a symlinked node_modules
    const fonts = launch.env.FONTCONFIG_PATH as string;
    expect(readFileSync(join(fonts, 'fonts.conf'), 'utf8')).toBe(FONTS_CONF);
    expect(readdirSync(join(fonts, 'fonts', 'Open_Sans')).sort()).toEqual(['OpenSans-Bold.ttf', 'OpenSans-Italic.ttf', 'OpenSans-Regular.ttf']);
    expect((await chromiumLaunch('/nonexistent/chromium')).executablePath).toBe(launch.executablePath); // unpacked once
  }, 120_000);
});
