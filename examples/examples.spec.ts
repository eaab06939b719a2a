import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runInThisContext } from 'node:vm';
import { createEventService, MemoryBroker } from 'rx-redis-events';
import { documentPaths } from '../spec/support/documents';
import { eventually, sleep } from '../spec/support/eventually';
import type { RedisServer } from '../spec/support/redisServer';
import { useRedisServer } from '../spec/support/useRedisServer';
import { main as broadcastCancel } from './broadcast-cancel';
import { main as comingFrom } from './coming-from';
import { main as jobEvents } from './job-events';
import { main as loadBalancing } from './load-balancing';
import { createProgressServer, main as sseJobProgress, runJob } from './sse-job-progress';
import { main as metrics } from './metrics';
import { main as nestjsOrders } from './nestjs-orders';
import { main as tracing } from './tracing';
import { main as exactlyOnce } from './exactly-once';
import { main as honoSse } from './hono-sse';
import { main as validation } from './validation';

const quiet = () => undefined;

/** `[name, value, name, value, …]`, as Redis answers `XINFO`, as pairs. */
function chunkPairs(flat: readonly (string | number)[]): [string, string | number][] {
  const pairs: [string, string | number][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) pairs.push([String(flat[index]), flat[index + 1] as string | number]);
  return pairs;
}

describe.each(['memory', 'redis'] as const)('examples (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedisServer() : undefined;

  const env = () => ({ redisUrl: redis?.server.url, log: quiet });

  it('job-events - the immediate consumer handles every started event, the batched one every finished event', async () => {
    const summary = await jobEvents(env());
    expect(summary).toEqual({
      produced: 1000,
      started: 500,
      datesRestored: 500,
      finished: 500,
      batches: expect.any(Number) as number,
      largestBatch: 50,
      errors: 0,
    });
    expect(summary.batches).toBeGreaterThanOrEqual(10);
  });

  it('broadcast-cancel - cancels reach the instance holding the session, late listeners see no earlier message', async () => {
    expect(await broadcastCancel(env())).toEqual({
      sessions: 5,
      cancelled: ['s2', 's4'],
      stillOpen: 3,
      lateListenerReceived: ['marker'],
      brokerSubscriptions: 2,
      errors: 0,
    });
  });

  it('coming-from - the consumers written for BullMQ, XREADGROUP and KafkaJS users handle every event of their groups', async () => {
    expect(await comingFrom(env())).toEqual({ sent: 20, mailed: 20, booked: 30 });
  });

  it('exactly-once - repeated orders are stored once and answered with their first ids, each order has one invoice', async () => {
    expect(await exactlyOnce(env())).toEqual({ producedCalls: 26, repeatsAnsweredWithFirstId: true, orders: 20, invoices: 20, errors: 0 });
  });

  it('validation - produce refuses the invalid call whole, the unchecked entry is dead-lettered as invalid, consumers and listeners get the schema output', async () => {
    expect(await validation(env())).toEqual({
      refused: { index: 1, issues: [{ message: 'Too small: expected number to be >0', path: ['total'] }], streamLength: 0 },
      billed: [
        { orderId: 'o1', total: 20, currency: 'EUR' },
        { orderId: 'o3', total: 7, currency: 'EUR' },
      ],
      deadLetter: { reason: 'invalid', error: 'total: Invalid input: expected number, received string' },
      alerts: [3, 4],
      droppedAlerts: 1,
    });
  });

  it('load-balancing - billing instances share the events, each group gets all of them', async () => {
    const summary = await loadBalancing(env());
    expect(summary).toEqual({
      produced: 300,
      billingShares: { 'billing-1': expect.any(Number) as number, 'billing-2': expect.any(Number) as number },
      billing: 300,
      billingDistinct: 300,
      audit: 300,
      errors: 0,
    });
    expect(summary.billingShares['billing-1']).toBeGreaterThan(0);
    expect(summary.billingShares['billing-2']).toBeGreaterThan(0);
    expect((summary.billingShares['billing-1'] ?? 0) + (summary.billingShares['billing-2'] ?? 0)).toBe(300);
  });

  it('tracing - the request, its send span and a process span per invoice (with the handler span inside) form one trace', async () => {
    const summary = await tracing(env());
    expect({ spans: [...summary.spans].sort(), traces: summary.traces }).toEqual({
      spans: ['POST /invoices <- (root)', 'charge card <- process invoices', 'charge card <- process invoices', 'process invoices <- send invoices', 'process invoices <- send invoices', 'send invoices <- POST /invoices'],
      traces: 1,
    });
  });
});

describe.each(['memory', 'redis'] as const)('examples/nestjs-orders (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedisServer() : undefined;

  it('nestjs-orders - billing bills every order once (o3 on its second delivery), answers a total and a tracking, and the filter shapes the error', async () => {
    expect(await nestjsOrders({ redisUrl: redis?.server.url, log: quiet })).toEqual({
      billed: 5,
      datesRestored: 5,
      o3BilledOnDelivery: 2,
      total: 600,
      tracking: ['o2: packed', 'o2: shipped', 'o2: delivered'],
      reserveError: { code: 'OUT_OF_STOCK', message: 'tea is out of stock' },
      pending: 0,
      errors: 0,
    });
  });
});

describe.each(['memory', 'redis'] as const)('examples/hono-sse (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedisServer() : undefined;

  it('hono-sse - the Hono app streams one job over Fetch SSE; a reconnect with Last-Event-ID gets exactly the rest', async () => {
    expect(await honoSse({ redisUrl: redis?.server.url, log: quiet })).toEqual({
      contentType: 'text/event-stream; charset=utf-8',
      firstVisit: [0, 50],
      afterReconnect: [100],
    });
  });
});

describe('README and guides', () => {
  const read = (path: string) => readFileSync(join(__dirname, '..', path), 'utf8');
  const dedent = (lines: string[]) => {
    const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length));
    return lines.map((line) => line.slice(indent)).join('\n');
  };
  /** True when `block` is a run of lines of `source`, up to indentation. */
  const quotes = (source: string, block: string) => {
    const lines = source.split('\n');
    const wanted = dedent(block.split('\n'));
    const size = block.split('\n').length;
    return lines.some((_, start) => dedent(lines.slice(start, start + size)) === wanted);
  };

  /** The ts blocks of a document, each with the example (or spec) file named last before it. */
  const tsBlocks = (text: string) => {
    let file: string | undefined;
    const blocks: { file: string | undefined; block: string }[] = [];
    for (const [, named, block] of text.matchAll(/`((?:examples|spec)\/[\w/.-]+\.m?ts)`|```ts\n([\s\S]*?)\n```/g)) {
      if (named) file = named;
      if (block !== undefined) blocks.push({ file, block });
    }
    return blocks;
  };

  it.each(documentPaths())('quotes the examples - every ts block of %s is found, up to indentation, in the example (or spec) named before it', (path) => {
    const text = read(path);
    const blocks = tsBlocks(text);
    for (const { file, block } of blocks) {
      expect({ file, block, quoted: file !== undefined && quotes(read(file), block) }).toEqual({ file, block, quoted: true });
    }
    // every code block fenced as TypeScript or JavaScript was read as a ts block: none slipped past the check
    expect(blocks).toHaveLength(text.match(/^```(ts|typescript|tsx|js|javascript|mts)\b.*$/gm)?.length ?? 0);
  });

  it('quotes the examples - the README quotes the first program, the guides the rest (38 blocks at least)', () => {
    expect(tsBlocks(read('README.md')).map(({ file }) => file)).toEqual(['examples/quick-start.mts']);
    expect(documentPaths().reduce((sum, path) => sum + tsBlocks(read(path)).length, 0)).toBeGreaterThanOrEqual(38);
  });

  it('README - the first program\'s section says what prefix, from (default new) and onError are for', () => {
    const readme = read('README.md');
    const first = readme.slice(readme.indexOf('## First program\n'), readme.indexOf('## Run an example, run the tests\n'));
    expect(first.split('\n').filter((line) => /^- \*\*`(prefix|from|onError)`\*\*/.test(line)).map((line) => /`(\w+)`\*\* \(([^)]*)\)/.exec(line)?.slice(1))).toEqual([
      ['prefix', 'service option, default none'],
      ['from', "consume option, default `'new'`"],
      ['onError', 'service option, default `console.error`'],
    ]);
  });
});

describe.each(['memory', 'redis'] as const)('quick-start (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedisServer() : undefined;

  it('quick-start - the first program of the README runs as it stands and prints what billing got', async () => {
    const run = spawnExample('quick-start.mts', redis?.server);
    expect(await run.exited).toBe(0);
    expect(run.output().split('\n')).toEqual([
      'billing heard: prices change at midnight',
      'billed o-1, o-2, o-3: 60 in all',
      'placedAt is a Date again: true',
      '',
    ]);
    if (redis) {
      const { admin } = redis; // the server is this describe's own: every key on it is the program's
      expect((await admin.keys('*')).filter((key) => !key.startsWith('quick-start:'))).toEqual([]); // nothing at the root
      expect(await admin.xlen('quick-start:orders.placed')).toBe(3);
      expect(((await admin.xpending('quick-start:orders.placed', 'billing')) as [number])[0]).toBe(0);
    }
  }, 30_000);
});

describe.each(['memory', 'redis'] as const)('graceful-shutdown (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedisServer() : undefined;

  it('graceful-shutdown - on SIGTERM the handlers in flight finish, every handled event is acked, the process exits 0', async () => {
    const { child, exited, output: outputNow } = spawnExample('graceful-shutdown.ts', redis?.server);
    await eventually('the example to print ready', () => outputNow().includes('ready'), { timeoutMs: 20_000, intervalMs: 20 });
    await sleep(1000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const output = outputNow();
    const closing = /SIGTERM: closing with (\d+) events in their handlers/.exec(output);
    const closed = /closed: (\d+) handled, (\d+) acked/.exec(output);
    expect(Number(closing?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(closing?.[1])).toBeLessThanOrEqual(4);
    expect(Number(closed?.[1])).toBeGreaterThanOrEqual(4);
    expect(closed?.[2]).toBe(closed?.[1]);
    if (redis) {
      const admin = new Redis(redis.server.url);
      const [key] = await admin.keys('example:*:ticks');
      const groups = (await admin.xinfo('GROUPS', key as string)) as (string | number)[][];
      const worker = Object.fromEntries(chunkPairs(groups.find((group) => group[1] === 'worker') ?? []));
      // every entry the group read was acked, but those read ahead when close() began: they were never handed to a handler, and stay pending, marked idle for a takeover
      expect(Number(worker['entries-read']) - Number(worker.pending)).toBe(Number(closed?.[2]));
      expect(Number(worker.pending)).toBeLessThanOrEqual(4);
      await admin.quit();
    }
  }, 30_000);
});

function withoutRedisUrl(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { REDIS_URL: _ignored, ...rest } = env;
  return rest;
}

/** Runs `examples/<file>` in a process of its own, with `REDIS_URL` set to the server's when there is one. */
function spawnExample(file: string, server: RedisServer | undefined) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, file)], {
    cwd: join(__dirname, '..'),
    env: { ...withoutRedisUrl(process.env), ...(server ? { REDIS_URL: server.url } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, output: () => output };
}

describe.each(['memory', 'redis'] as const)('examples/metrics (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedisServer() : undefined;

  it('metrics - a scrape shows the instrumentation counters and the describe gauges of the run', async () => {
    const { samples } = await metrics({ redisUrl: redis?.server.url, log: quiet });
    expect(samples).toEqual({
      'rx_events_delivered_total{stream="orders",group="billing"}': 10,
      'rx_events_acked_total{stream="orders",group="billing"}': 9,
      'rx_events_dead_lettered_total{stream="orders",group="billing",reason="max-deliveries"}': 1,
      'rx_events_produced_total{stream="orders"}': 10,
      'rx_stream_dead_letters{stream="orders"}': 1,
      'rx_stream_length{stream="orders"}': 10,
      'rx_group_lag{stream="orders",group="billing"}': 0,
      'rx_group_pending{stream="orders",group="billing"}': 0,
    });
  });
});

describe.each(['memory', 'redis'] as const)('examples/sse-job-progress (%s)', (backend) => {
  const redis = backend === 'redis' ? useRedisServer() : undefined;

  it('sse-job-progress - a client follows one job over SSE, reconnects with Last-Event-ID and gets exactly the rest', async () => {
    expect(await sseJobProgress({ redisUrl: redis?.server.url, log: quiet })).toEqual({
      steps: ['queued', 'pulling image', 'running', 'uploading results', 'done'],
      percents: [0, 25, 50, 75, 100],
      datesRestored: 5,
      beforeReconnect: 2,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
      errors: 0,
    });
  });

  it('sse-job-progress - its server streams a job live to fetch, serves the page and the decoder, which restores Dates', async () => {
    const options = { ...(redis ? { redis: redis.server.url } : { broker: new MemoryBroker() }), prefix: `sse-example:${Date.now()}:` };
    const web = createEventService({ group: 'web', ...options });
    const runner = createEventService({ group: 'job-runner', ...options });
    const http = createProgressServer(web);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const page = await (await fetch(`${base}/`)).text();
      expect(page).toContain("new EventSource('/jobs/' + encodeURIComponent(jobId) + '/events')");
      const decoderScript = await (await fetch(`${base}/sse-decoder.js`)).text();
      const decodeEventData = runInThisContext(`(() => {\n${decoderScript}\nreturn decodeEventData;\n})()`) as (text: string) => { step: string; percent: number; at: Date };

      const response = await fetch(`${base}/jobs/job-7/events`);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await runJob(runner, 'job-6');
      await runJob(runner, 'job-7');
      const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while ((text.match(/^data: /gm) ?? []).length < 5) text += (await reader.read()).value ?? '';
      await reader.cancel();
      const events = text.split('\n\n').filter((frame) => frame.startsWith('id: '));
      expect(events.map((frame) => frame.split('\n')[1])).toEqual(Array(5).fill('event: progress'));
      const values = events.map((frame) => decodeEventData(frame.split('\n')[2]?.slice('data: '.length) ?? ''));
      expect(values.map(({ step, percent }) => [step, percent])).toEqual([
        ['queued', 0],
        ['pulling image', 25],
        ['running', 50],
        ['uploading results', 75],
        ['done', 100],
      ]);
      expect(values.every(({ at }) => Object.prototype.toString.call(at) === '[object Date]' && !Number.isNaN(at.getTime()))).toBe(true);
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await Promise.all([web.close(), runner.close()]);
    }
  });
});
