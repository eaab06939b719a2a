/**
 * A Hono app serving an event stream as Server-Sent Events through the Fetch API
 * (`eventStreamSseResponse` from `rx-redis-events/http`): the same code runs on Node (with
 * `@hono/node-server`), Bun, Deno or a Next.js route handler. Here the app answers in-process with
 * `app.request()`; a client reads two events, goes away, and resumes with `Last-Event-ID`.
 *
 * Run: `EXAMPLE=hono-sse npm run example` (in memory) or with `REDIS_URL=redis://...` for Redis.
 */
import { Hono } from 'hono';
import { parse } from 'superjson';
import { createEventService, eventStream, MemoryBroker, type EventService } from 'rx-redis-events';
import { eventStreamSseResponse } from 'rx-redis-events/http';

interface Progress {
  jobId: string;
  percent: number;
}

export const JobProgress = eventStream<Progress>('jobs.progress', { key: (event) => event.jobId });

// #region app
/** The routes: `GET /jobs/:id/events` streams one job's progress, resumable with `Last-Event-ID`. */
export function createApp(service: EventService): Hono {
  const app = new Hono();
  app.get('/jobs/:id/events', (c) =>
    eventStreamSseResponse(c.req.raw, service, JobProgress, {
      from: 'start',
      filter: (entry) => entry.key === c.req.param('id'),
      event: () => 'progress',
    }),
  );
  return app;
}
// #endregion app

/** What the run observed, for the example's spec. */
export interface HonoSseSummary {
  contentType: string | null;
  firstVisit: number[];
  afterReconnect: number[];
}

/** Reads `count` events of an SSE body as `[id, data]` pairs, then cancels the body. */
async function readEvents(response: Response, count: number): Promise<[string, string][]> {
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while ((text.match(/^data: /gm) ?? []).length < count) text += (await reader.read()).value ?? '';
  await reader.cancel();
  const frames = text.split('\n\n').filter((frame) => frame.startsWith('id: '));
  return frames.slice(0, count).map((frame) => {
    const lines = frame.split('\n');
    return [lines[0]?.slice('id: '.length) ?? '', lines.find((line) => line.startsWith('data: '))?.slice('data: '.length) ?? ''];
  });
}

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<HonoSseSummary> {
  const log = env.log ?? console.log;
  const backend = { ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }), prefix: `example:${Date.now()}:` };
  const web = createEventService({ group: 'web', ...backend });
  const runner = createEventService({ group: 'job-runner', ...backend });
  try {
    await runner.produce(JobProgress, ...[0, 50, 100].map((percent) => ({ jobId: 'job-1', percent })), { jobId: 'job-2', percent: 10 });
    const app = createApp(web);
    const first = await app.request('/jobs/job-1/events');
    const seen = await readEvents(first, 2);
    const lastId = seen[1]?.[0] ?? '';
    log(`first visit: ${seen.map(([id]) => id).join(', ')}`);
    // the browser reconnects with the last id it saw, and gets exactly the rest
    const again = await app.request('/jobs/job-1/events', { headers: { 'last-event-id': lastId } });
    const rest = await readEvents(again, 1);
    const percents = (events: [string, string][]) => events.map(([, data]) => parse<Progress>(data).percent);
    return { contentType: first.headers.get('content-type'), firstVisit: percents(seen), afterReconnect: percents(rest) };
  } finally {
    await Promise.all([web.close(), runner.close()]);
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).then(
    (summary) => console.log(summary),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
