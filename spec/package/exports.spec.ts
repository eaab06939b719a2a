import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, ensureBuilt, node, ROOT } from '../support/builtPackage';

const script = (load: string) => `
${load}
const service = lib.createEventService({ group: 'g' });
const stream = lib.eventStream('x');
service.produce(stream, { at: new Date(5), tags: new Set(['a']) })
  .then(() => new Promise((resolve) => service.consume(stream, { from: 'start' }).subscribe((d) => { d.ack(); resolve(d.value); })))
  .then((value) => service.close().then(() => console.log(JSON.stringify([value.at instanceof Date, value.at.getTime(), [...value.tags]]))));
`;

describe('package - the built package serves ESM and CommonJS through exports', () => {
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

  it('package - require() works from a CommonJS script', () => {
    expect(node(['-e', script("const lib = require('rx-redis-events');")])).toBe('[true,5,["a"]]');
  });

  it('package - import works from an ES module', () => {
    expect(node(['--input-type=module', '-e', script("import * as lib from 'rx-redis-events';")])).toBe('[true,5,["a"]]');
  });

  it('package - rx-redis-events/testing works with require() and import, sharing classes with the main entry', () => {
    const check = "console.log(JSON.stringify([Object.keys(testing).sort(), testing.createTestEventService({ group: 'g', scheduler: { now: () => 0, schedule: () => ({ unsubscribe() {} }) } }) instanceof lib.EventService]))";
    const expected = '[["createFakeDelivery","createTestEventService","createTestScheduler","expectAcks","expectDeadLetters","expectNacks","fakeDeliveries"],true]';
    expect(node(['-e', `const lib = require('rx-redis-events'); const testing = require('rx-redis-events/testing'); ${check}`])).toBe(expected);
    expect(node(['--input-type=module', '-e', `import * as lib from 'rx-redis-events'; import * as testing from 'rx-redis-events/testing'; ${check}`])).toBe(expected);
  });

  it('package - both entry points export the same names', () => {
    const cjs = node(['-e', "console.log(Object.keys(require('rx-redis-events')).sort().join(','))"]);
    const esm = node(['--input-type=module', '-e', "import * as lib from 'rx-redis-events'; console.log(Object.keys(lib).sort().join(','))"]);
    expect(esm).toBe(cjs);
    expect(cjs.split(',')).toEqual(expect.arrayContaining(['createEventService', 'eventStream', 'broadcastStream', 'batch', 'ackAfter', 'autoAck', 'produceTo', 'EventConsumer', 'MemoryBroker']));
  });

  // tsup's own CommonJS splitting (sucrase) lowered every `?.` and `??` into a helper call that builds an
  // array and closures, on every path, per event; the CommonJS build is split by rollup (`treeshake`) instead
  it('package - the CommonJS files keep optional chaining and nullish coalescing native (no helper calls)', () => {
    const files = readdirSync(join(ROOT, 'dist')).filter((file) => file.endsWith('.js') && !file.endsWith('.global.js'));
    const lowered = files.filter((file) => /_optionalChain\(|_nullishCoalesce\(/.test(readFileSync(join(ROOT, 'dist', file), 'utf8')));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'testing.js', 'http.js', 'nestjs.js']));
    expect(lowered).toEqual([]);
  });
});
