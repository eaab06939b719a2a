import { get, createServer, type IncomingMessage, type Server, type ServerResponse, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventService, eventStream, MemoryBroker, type EventService, type EventServiceOptions } from 'rx-redis-events';
import { useRedisServer } from '../../support/useRedisServer';

/** The job-progress events the event-stream specs serve. */
export interface Progress {
  jobId: string;
  percent: number;
  at: Date;
}

/** A stream of job progress, keyed by job. */
export const JobProgress = eventStream<Progress>('jobs.progress', { key: (event) => event.jobId });

/** The progress of `jobId` at `percent`, stamped `percent` seconds into 2024. */
export const progress = (jobId: string, percent: number): Progress => ({ jobId, percent, at: new Date(Date.UTC(2024, 0, 1, 0, 0, percent)) });

/** One parsed SSE event, as `EventSource` would see it (plus the raw comment lines seen before it). */
export interface ReceivedEvent {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** A real HTTP client of one SSE response: parses events as they arrive; can pause reading. */
export interface SseClient {
  readonly response: IncomingMessage;
  readonly events: ReceivedEvent[];
  readonly comments: string[];
  /** Resolves once `count` events arrived (rejects after `timeoutMs` or when the connection ends first). */
  waitForEvents(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  /** Resolves once `count` comment lines arrived. */
  waitForComments(count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves once the server ended or broke the connection. */
  readonly ended: Promise<'end' | 'aborted'>;
  /** Stops reading the socket (the server's writes back up) / reads again. */
  pause(): void;
  resume(): void;
  /** Disconnects, as a closed browser tab does. */
  close(): void;
}

/** Opens `url` with `http.get` and parses the SSE stream (the raw text is kept for exact assertions). */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const request: ClientRequest = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      resolve(client(request, response));
    });
    request.on('error', reject);
  });
}

function client(request: ClientRequest, response: IncomingMessage): SseClient {
  const events: ReceivedEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let current: { id?: string; event?: string; data: string[] } = { data: [] };
  let finished = false;
  const ended = new Promise<'end' | 'aborted'>((resolve) => {
    response.on('end', () => resolve('end'));
    response.on('aborted', () => resolve('aborted'));
    response.on('error', () => resolve('aborted'));
    response.on('close', () => resolve('aborted'));
  });
  void ended.then(() => ((finished = true), waiters.forEach((wake) => wake())));
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (current.data.length > 0) events.push({ id: current.id, event: current.event, data: current.data.join('\n') });
        current = { data: [] };
      } else if (line.startsWith(':')) comments.push(line);
      else {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        if (name === 'data') current.data.push(value);
        else if (name === 'id') current.id = value;
        else if (name === 'event') current.event = value;
      }
    }
    waiters.forEach((wake) => wake());
  });
  const waitFor = <E>(list: E[], count: number, timeoutMs: number, what: string) =>
    new Promise<E[]>((resolve, reject) => {
      const check = () => {
        if (list.length >= count) return done(() => resolve(list.slice(0, count)));
        if (finished) return done(() => reject(new Error(`the connection ended after ${list.length} of ${count} ${what}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`only ${list.length} of ${count} ${what} within ${timeoutMs} ms`))), timeoutMs);
      const done = (settle: () => void) => (clearTimeout(timer), waiters.delete(check), settle());
      waiters.add(check);
      check();
    });
  return {
    response,
    events,
    comments,
    ended,
    waitForEvents: (count, timeoutMs = 5000) => waitFor(events, count, timeoutMs, 'events'),
    waitForComments: (count, timeoutMs = 5000) => waitFor(comments, count, timeoutMs, 'comments'),
    pause: () => response.pause(),
    resume: () => response.resume(),
    close: () => request.destroy(),
  };
}

/** A node:http server on a free port of 127.0.0.1, closed with {@link stopServer}. */
export async function startHttpServer(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A backend for the HTTP specs: services on a fresh key space per test, and the broker's subscription count. */
export interface HttpBackend {
  readonly name: 'memory' | 'redis';
  createService(options?: Partial<EventServiceOptions>): EventService;
  /** Broker subscriptions to a broadcast channel (`PUBSUB NUMSUB` of the prefixed channel on Redis). */
  subscriptionCount(channel: string): Promise<number>;
}

/** Registers hooks for the memory broker and a private Redis: `describe.each(httpBackends())`. */
export function httpBackends(): [string, () => HttpBackend][] {
  const redis = useRedisServer();
  let services: EventService[] = [];
  let current: HttpBackend | undefined;
  let test = 0;
  afterEach(async () => {
    await Promise.all(services.map((service) => service.close()));
    services = [];
    current = undefined;
  });
  const make = (name: 'memory' | 'redis'): HttpBackend => {
    const broker = new MemoryBroker();
    const prefix = `sse-${process.pid}-${++test}:`;
    return {
      name,
      createService: (options = {}) => {
        const service = createEventService({ group: 'g', closeTimeoutMs: 300, prefix, ...(name === 'memory' ? { broker } : { redis: redis.server.url }), ...options });
        services.push(service);
        return service;
      },
      subscriptionCount: async (channel) => {
        if (name === 'memory') return broker.subscriberCount(prefix + channel);
        const [, count] = (await redis.admin.pubsub('NUMSUB', prefix + channel)) as [string, number];
        return Number(count);
      },
    };
  };
  return (['memory', 'redis'] as const).map((name) => [name, () => (current ??= make(name))]);
}
