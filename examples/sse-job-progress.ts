/**
 * A browser page follows one job's progress live over Server-Sent Events: the job runner produces
 * progress events to an event stream, and a plain node:http server serves that stream, filtered to
 * the job, with `serveEventStreamSse`. The page decodes each event with the library's browser decoder
 * (Dates come back as Dates); when the connection drops, the browser resumes after the last event
 * it saw (`Last-Event-ID`) and misses nothing.
 *
 * Run: `npx tsx examples/sse-job-progress.ts` (in memory) or with `REDIS_URL=redis://...`; add
 * `PORT=8080` to keep serving a new job every few seconds and open http://127.0.0.1:8080/ .
 */
import { get, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { interval } from 'rxjs';
import { parse } from 'superjson';
import { MemoryBroker, createEventService, eventStream, type EventService } from 'rx-redis-events';
import { SSE_BROWSER_DECODER_JS, serveEventStreamSse } from 'rx-redis-events/http';

// #region stream
interface JobProgress {
  jobId: string;
  step: string;
  percent: number;
  at: Date;
}

export const JobEvents = {
  progress: eventStream<JobProgress>('jobs.progress', { key: (event) => event.jobId }),
};
// #endregion stream

// #region page
/** The page: an EventSource on the job's events, decoded with `decodeEventData` from /sse-decoder.js. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Job progress</title>
<h1>Job <span id="job"></span></h1>
<progress id="bar" max="100" value="0"></progress>
<ol id="steps"></ol>
<script src="/sse-decoder.js"></script>
<script>
  const jobId = new URLSearchParams(location.search).get('job') ?? 'job-1';
  document.getElementById('job').textContent = jobId;
  const events = new EventSource('/jobs/' + encodeURIComponent(jobId) + '/events');
  events.addEventListener('progress', (message) => {
    const progress = decodeEventData(message.data); // progress.at is a Date
    document.getElementById('bar').value = progress.percent;
    const item = document.createElement('li');
    item.textContent = progress.at.toLocaleTimeString() + ' ' + progress.step + ' (' + progress.percent + '%)';
    document.getElementById('steps').append(item);
  });
  events.addEventListener('end', () => events.close());
</script>
`;
// #endregion page

// #region server
/** The HTTP server: the page, the decoder script, and one SSE endpoint per job. */
export function createProgressServer(service: EventService): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const job = /^\/jobs\/([^/]+)\/events$/.exec(url.pathname);
    if (job) {
      const jobId = decodeURIComponent(job[1] as string);
      // `from: 'start'`: a page opened late still shows the job's earlier steps.
      serveEventStreamSse(request, response, service, JobEvents.progress, { from: 'start', filter: (entry) => entry.key === jobId, event: () => 'progress' });
    } else if (url.pathname === '/sse-decoder.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(SSE_BROWSER_DECODER_JS);
    } else if (url.pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else {
      response.writeHead(404).end();
    }
  });
}
// #endregion server

/** The steps of a job, as its runner reports them. */
export const STEPS = ['queued', 'pulling image', 'running', 'uploading results', 'done'];

/** Produces the progress events of one job, one step after another. */
export async function runJob(runner: EventService, jobId: string, from = 0, to = STEPS.length): Promise<void> {
  for (let index = from; index < to; index++) {
    await runner.produce(JobEvents.progress, { jobId, step: STEPS[index] as string, percent: (100 * index) / (STEPS.length - 1), at: new Date() });
  }
}

/** What the run observed, for the example's spec. */
export interface SseJobProgressSummary {
  /** The steps the SSE client received for job-2, in order, across its reconnect. */
  steps: string[];
  percents: number[];
  /** Received values whose `at` is a Date again. */
  datesRestored: number;
  /** Events received before the client disconnected (then it resumed with Last-Event-ID). */
  beforeReconnect: number;
  /** The SSE response's headers that matter to proxies. */
  headers: Record<string, string | undefined>;
  errors: number;
}

/** Opens the SSE endpoint like a browser's EventSource would (optionally resuming), returning the response. */
function openEventStream(url: string, lastEventId?: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }, resolve).on('error', reject);
  });
}

/** Reads `count` events ({ id, data }) from an SSE response, then disconnects. */
function readEvents(response: IncomingMessage, count: number): Promise<{ id: string; data: string }[]> {
  return new Promise((resolve, reject) => {
    const events: { id: string; data: string }[] = [];
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0 && events.length < count) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
        if (field('event') === 'progress') events.push({ id: field('id') ?? '', data: field('data') ?? '' });
      }
      if (events.length >= count) {
        response.destroy();
        resolve(events);
      }
    });
    response.on('error', reject);
  });
}

export async function main(env: { redisUrl?: string; log?: (line: string) => void; port?: number } = {}): Promise<SseJobProgressSummary> {
  const log = env.log ?? console.log;
  const errors: unknown[] = [];
  const backend = { ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }), prefix: `example:${Date.now()}:`, onError: (error: unknown) => void errors.push(error) };
  const web = createEventService({ group: 'web', ...backend });
  const runner = createEventService({ group: 'job-runner', ...backend });
  const server = createProgressServer(web);
  await new Promise<void>((resolve) => server.listen(env.port ?? 0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log(`open ${base}/?job=job-2 to follow job-2`);
  try {
    await runJob(runner, 'job-1');
    await runJob(runner, 'job-2', 0, 2);
    // A client follows job-2, sees its first two steps, and loses its connection...
    const first = await readEvents(await openEventStream(`${base}/jobs/job-2/events`), 2);
    await runJob(runner, 'job-2', 2);
    // ...then reconnects with the last id it saw, as EventSource does, and gets exactly the rest.
    const response = await openEventStream(`${base}/jobs/job-2/events`, first.at(-1)?.id);
    const rest = await readEvents(response, STEPS.length - 2);
    const received = [...first, ...rest].map((event) => parse<JobProgress>(event.data));
    log(`job-2: ${received.map((progress) => `${progress.step} ${progress.percent}%`).join(', ')}`);
    const headers = response.headers;
    return {
      steps: received.map((progress) => progress.step),
      percents: received.map((progress) => progress.percent),
      datesRestored: received.filter((progress) => progress.at instanceof Date).length,
      beforeReconnect: first.length,
      headers: { 'content-type': headers['content-type'], 'cache-control': headers['cache-control'], 'x-accel-buffering': headers['x-accel-buffering'] as string | undefined },
      errors: errors.length,
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([web.close(), runner.close()]);
  }
}

/** With PORT: serves until Ctrl-C, a new job every 10 s, each step 1 s apart. */
function serveForever(port: number, redisUrl: string | undefined): void {
  const backend = { ...(redisUrl ? { redis: redisUrl } : { broker: new MemoryBroker() }), prefix: 'example:sse:' };
  const web = createEventService({ group: 'web', ...backend });
  const runner = createEventService({ group: 'job-runner', ...backend });
  createProgressServer(web).listen(port, '127.0.0.1', () => console.log(`open http://127.0.0.1:${port}/?job=job-1 (a new job every 10 s)`));
  interval(1000).subscribe((tick) => {
    const step = tick % 10;
    if (step < STEPS.length) void runJob(runner, `job-${Math.floor(tick / 10) + 1}`, step, step + 1);
  });
}

if (require.main === module) {
  if (process.env.PORT) serveForever(Number(process.env.PORT), process.env.REDIS_URL || undefined);
  else
    main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
