import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** Runs a script with plain Node in the repository, where `rx-redis-events/nestjs` resolves through package.json `exports`. */
function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 20_000 }).trim();
}

const check = `console.log(JSON.stringify([
  Object.keys(nest).sort(),
  new nest.RxRedisEventsServer({ group: 'g' }) instanceof microservices.Server,
  new nest.RxRedisEventsClient({}) instanceof microservices.ClientProxy,
]))`;
const expected = '[["ClientClosedError","RxRedisEventsClient","RxRedisEventsContext","RxRedisEventsServer"],true,true]';

describe('package - rx-redis-events/nestjs in the built package', () => {
  beforeAll(() => {
    if (!['nestjs.js', 'nestjs.mjs', 'nestjs.d.ts', 'nestjs.d.mts'].every((file) => existsSync(join(root, 'dist', file)))) {
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore', timeout: 300_000 });
    }
  }, 310_000);

  it('package - rx-redis-events/nestjs works with require() and import, on the application’s @nestjs/microservices', () => {
    expect(node(['-e', `require('reflect-metadata'); const microservices = require('@nestjs/microservices'); const nest = require('rx-redis-events/nestjs'); ${check}`])).toBe(expected);
    expect(node(['--input-type=module', '-e', `import 'reflect-metadata'; import * as microservices from '@nestjs/microservices'; import * as nest from 'rx-redis-events/nestjs'; ${check}`])).toBe(expected);
  });

  it('package - the main entry point loads no @nestjs package', () => {
    const loaded = "require('rx-redis-events'); console.log(Object.keys(require.cache).filter((path) => path.includes('@nestjs')).length)";
    expect(node(['-e', loaded])).toBe('0');
  });
});
