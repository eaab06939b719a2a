import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parse } from 'superjson';
import { eventStream, type EventService } from '../../src';
import type { BackendContext, ConformanceBackend } from '../conformance/backend';
import { uniqueName } from '../conformance/helpers';
import { memoryBackend } from '../conformance/memoryBackend';
import { redisBackend } from '../conformance/redisBackend';
import { anyEntry, FUZZ_GROUP, FUZZ_MAX_BYTES, type Fields } from './fuzzEntries';
import { eventually, sleep } from '../support/eventually';

/** What became of one appended entry. */
type Outcome = { delivered: unknown; key: string | undefined } | { deadLettered: string } | 'skipped';

/** Runs and cases per backend (Redis costs a connection and a few round trips per run). */
const RUNS = { memory: 300, redis: 150 } as const;
const MAX_ENTRIES_PER_RUN = 12;
const LONG_RUN_ENTRIES = 1000;

/** Redis stores bytes: a lone surrogate comes back as U+FFFD. The memory broker keeps strings as they are. */
function storedAs(backend: string): (text: string) => string {
  return backend === 'redis' ? (text) => Buffer.from(text, 'utf8').toString('utf8') : (text) => text;
}

/** What the consumer reads back: names and values as the backend stores them (a `__proto__` field name does not survive the Redis reply). */
function storedFields(fields: Fields, stored: (text: string) => string): Fields {
  const out: Fields = {};
  for (const [name, value] of Object.entries(fields)) out[stored(name)] = stored(value);
  return out;
}

/** The value a delivery must hold: superjson's reading of the field (the document's `json` as is when it has no meta, as superjson copies it). */
function reference(v: string): unknown {
  const document = JSON.parse(v) as { json: unknown; meta?: unknown };
  return document.meta === undefined ? document.json : parse(v);
}

/** Whether a delivered value is what superjson reads from the field (compared as text when it is deep plain JSON, which jest's recursive equality cannot walk). */
function expectDeliveredExactly(v: string, value: unknown): void {
  const expected = reference(v);
  if (v.length > 200 && !v.includes('"meta"')) expect(JSON.stringify(value)).toBe(JSON.stringify(expected));
  else expect(value).toStrictEqual(expected);
}

/** Appends the entries to a fresh stream, consumes it with autoAck until every entry is delivered, dead-lettered or skipped, and returns each one's outcome. */
async function runThrough(ctx: BackendContext, service: EventService, entries: readonly Fields[], stored: (text: string) => string): Promise<Outcome[]> {
  const stream = eventStream<unknown>(uniqueName('fuzz'));
  const ids: string[] = [];
  for (const fields of entries) ids.push(await ctx.appendRaw(stream.name, fields));
  const skipped = entries.filter((fields) => fields.g !== undefined && stored(fields.g) !== FUZZ_GROUP).length;
  const deliveries: { id: string; value: unknown; key: string | undefined }[] = [];
  const failures: unknown[] = [];
  const subscription = service.consume(stream, { from: 'start' }).subscribe({
    next: (d) => (deliveries.push({ id: d.id, value: d.value, key: d.key }), void d.ack()),
    error: (error: unknown) => failures.push(error),
  });
  let letters = await service.deadLetters(stream, { limit: 10_000 });
  await eventually(
    `${entries.length} entries settled`,
    async () => {
      letters = await service.deadLetters(stream, { limit: 10_000 });
      return deliveries.length + letters.length + skipped >= entries.length && (await ctx.pendingCount(stream.name, FUZZ_GROUP)) === 0;
    },
    10_000,
  );
  subscription.unsubscribe();
  expect(failures).toEqual([]);
  expect(deliveries.length + letters.length + skipped).toBe(entries.length); // the totals add up, nothing twice
  return ids.map((id): Outcome => {
    const delivery = deliveries.find((d) => d.id === id);
    const letter = letters.find((l) => l.sourceId === id);
    if (delivery) return { delivered: delivery.value, key: delivery.key };
    if (letter) return { deadLettered: letter.reason };
    return 'skipped';
  });
}

/** Checks each outcome against its entry: delivered exactly as superjson reads it, or dead-lettered for a reason that holds, or skipped because it was redriven for another group. */
function checkOutcomes(entries: readonly Fields[], outcomes: readonly Outcome[], stored: (text: string) => string): void {
  entries.forEach((raw, index) => {
    const fields = storedFields(raw, stored);
    const outcome = outcomes[index];
    const v = fields.v;
    if (fields.g !== undefined && fields.g !== FUZZ_GROUP) return expect(outcome).toBe('skipped');
    const tooLarge = v !== undefined && Buffer.byteLength(v, 'utf8') > FUZZ_MAX_BYTES;
    if (tooLarge) return expect(outcome).toEqual({ deadLettered: 'too-large' });
    if (typeof outcome === 'object' && 'delivered' in outcome) {
      expect(v).toBeDefined();
      expectDeliveredExactly(v as string, outcome.delivered);
      expect(outcome.key).toBe(fields.k);
      return;
    }
    expect(outcome).toEqual({ deadLettered: 'decode' });
  });
}

// An invalid Date (a mutated date string) equals another invalid Date: jest's own Date equality says NaN !== NaN.
type EqualityTester = (a: unknown, b: unknown) => boolean | undefined;
(expect as unknown as { addEqualityTesters(testers: EqualityTester[]): void }).addEqualityTesters([
  (a, b) => (a instanceof Date && b instanceof Date ? Object.is(a.getTime(), b.getTime()) : undefined),
]);

function heapUsedAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe.each<() => ConformanceBackend>([memoryBackend, redisBackend])('fuzz - hostile entries', (makeBackend) => {
  const backend = makeBackend();
  const stored = storedAs(backend.name);
  let ctx: BackendContext | undefined;
  const context = () => ctx ?? (ctx = backend.context());
  beforeAll(() => backend.start());
  afterAll(() => backend.stop());
  afterEach(async () => {
    await backend.cleanup();
    ctx = undefined;
  });

  it(`fuzz (${backend.name}) - every random or mutated entry is delivered exactly as superjson reads it or dead-lettered with a reason; the totals add up`, async () => {
    const errors: unknown[] = [];
    const service = context().createService({ group: FUZZ_GROUP, maxMessageBytes: FUZZ_MAX_BYTES, onError: (error) => void errors.push(error) });
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(anyEntry, { minLength: 1, maxLength: MAX_ENTRIES_PER_RUN }), async (entries) => {
        cases += entries.length;
        checkOutcomes(entries, await runThrough(context(), service, entries, stored), stored);
      }),
      { numRuns: RUNS[backend.name as keyof typeof RUNS], seed: 8_2026, endOnFailure: true },
    );
    expect(errors).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    console.log(`fuzz (${backend.name}): ${RUNS[backend.name as keyof typeof RUNS]} runs, ${cases} entries`);
  });

  it(`fuzz (${backend.name}) - a long run of ${LONG_RUN_ENTRIES} hostile entries keeps the consumer up and the heap bounded`, async () => {
    const errors: unknown[] = [];
    const service = context().createService({ group: FUZZ_GROUP, maxMessageBytes: FUZZ_MAX_BYTES, onError: (error) => void errors.push(error) });
    const entries = fc.sample(anyEntry, { numRuns: LONG_RUN_ENTRIES, seed: 2026 });
    // Buffer.byteLength flattens the generated strings now, so their flat copies count before the measure, not as growth
    const appendedBytes = entries.reduce((sum, fields) => sum + Object.values(fields).reduce((n, value) => n + Buffer.byteLength(value), 0), 0);
    await runThrough(context(), service, entries.slice(0, 100), stored); // warm-up
    const before = heapUsedAfterGc();
    const settled = (await runThrough(context(), service, entries, stored)).length; // the delivered values are the test's, not the consumer's: dropped
    await sleep(200); // let the last acks and dead-letter replies settle
    const growth = heapUsedAfterGc() - before;
    expect(settled).toBe(LONG_RUN_ENTRIES);
    expect(errors).toEqual([]);
    // Nothing of the entries stays in the consumer (the memory broker keeps them, but as the same strings the test holds): a generous 32 MiB
    expect(growth).toBeLessThan(32 * 1024 * 1024);
    console.log(`fuzz (${backend.name}) long run: ${LONG_RUN_ENTRIES} entries (${(appendedBytes / 1048576).toFixed(1)} MiB), heap growth ${(growth / 1048576).toFixed(1)} MiB`);
  });
});
