import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { asyncScheduler, Subject, type Observable, type SchedulerLike } from 'rxjs';
import type { EventStream } from '../../definitions/eventStream';
import { SSE_BROWSER_DECODER_JS } from '../http/browserDecoder';
import type { SseConnection } from '../http/SseChannel';
import { serveObservableSse } from '../http/serveObservableSse';
import type { EventService } from '../../service/EventService';
import type { RedisTools } from '../../transport/redis/redisTools';
import { readByTools } from '../../codec/displayCodec';
import { overview$ } from './overview';
import type { DashboardConfig, Overview } from './protocol';
import { redrive, sendError, serveDeadLetters, serveTail, type StreamRouteContext } from './streamRoutes';

/** What the dashboard serves. */
export interface DashboardOptions {
  /** Reads (describe, health, read, deadLetters) and redrives. */
  readonly service: EventService;
  /** Discovers the streams (`SCAN`; on a cluster, of every master) and reads a tail's backlog. */
  readonly redis: RedisTools;
  readonly prefix: string;
  /** Shown in the page's header (without a password). */
  readonly url: string;
  /** Whether `POST …/redrive` works (403 otherwise). */
  readonly allowRedrive: boolean;
  /** The interface the server listens on: Host headers are checked when it is a loopback one. */
  readonly host: string;
  /** The page: HTML with `__CONFIG__` where its settings go. */
  readonly pageHtml: string;
  /** The page's compiled script. */
  readonly appScript: string;
  /** Time between overview polls. Default 1000 ms. */
  readonly pollMs?: number;
  /** Timers of polling and SSE heartbeats. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  readonly onError: (error: unknown) => void;
}

/** A dashboard's HTTP server, not listening yet, and how to end its live responses. */
export interface Dashboard {
  readonly server: Server;
  /** Ends every SSE response, stops listening and closes idle connections. */
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const STREAM_ROUTE = /^\/api\/streams\/([^/]+)\/(tail|dead-letters|redrive)$/;

/** What a request is answered from: the options, the page with its settings, the overview, the stream routes' context, and where SSE responses are kept to end on close. */
interface Served {
  readonly options: DashboardOptions;
  readonly page: string;
  readonly overview: Observable<Overview>;
  readonly context: StreamRouteContext;
  /** Keeps an SSE response until it closes, so that `close()` can end it. */
  readonly track: (connection: SseConnection) => void;
}

/** Creates the dashboard's server: the page, its script, the overview SSE and the stream routes. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const scheduler = options.scheduler ?? asyncScheduler;
  const pollMs = options.pollMs ?? 1000;
  const refresh$ = new Subject<void>();
  const discover = async () => (await options.redis.findStreams(options.prefix)).map(({ stream }) => stream);
  const overview = overview$({ service: options.service, discover, pollMs, pollTimeoutMs: Math.max(5000, 2 * pollMs), refresh$, scheduler });
  const context: StreamRouteContext = { ...options, scheduler, redriven: () => refresh$.next() };
  const live = new Set<SseConnection>();
  const track = (connection: SseConnection) => (live.add(connection), void connection.closed.then(() => live.delete(connection)));
  const served: Served = { options, page: pageOf(options, pollMs), overview, context, track };
  const server = createServer((request, response) => {
    handle(request, response, served).catch((error: unknown) => {
      options.onError(error);
      if (!response.headersSent) sendError(response, 500, error instanceof Error ? error.message : String(error));
      else response.end();
    });
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of live) connection.close();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** The page, its `__CONFIG__` replaced by the dashboard's settings (as JSON that cannot end its script element). */
function pageOf(options: DashboardOptions, pollMs: number): string {
  const config: DashboardConfig = { prefix: options.prefix, url: options.url, allowRedrive: options.allowRedrive, pollMs };
  // a function, not a string: a replacement string would read `$&` or `$'` in the prefix as patterns
  return options.pageHtml.replace('__CONFIG__', () => JSON.stringify(config).replace(/</g, '\\u003c'));
}

/** Answers one request: refuses a foreign Host or Origin and a wrong method, then serves the assets, the overview or a stream route. */
async function handle(request: IncomingMessage, response: ServerResponse, served: Served): Promise<void> {
  const { options } = served;
  if (!hostAllowed(request, options.host)) return sendError(response, 403, 'unexpected Host header');
  const path = new URL(request.url ?? '/', 'http://dashboard').pathname;
  const method = request.method ?? 'GET';
  const route = STREAM_ROUTE.exec(path);
  const wanted = route?.[2] === 'redrive' ? 'POST' : 'GET';
  if (method !== wanted && !(wanted === 'GET' && method === 'HEAD')) return void response.writeHead(405, { allow: wanted }).end();
  if (wanted === 'POST' && !sameOrigin(request)) return sendError(response, 403, 'cross-origin request refused');
  if (path === '/') return asset(response, 'text/html', served.page);
  if (path === '/app.js') return asset(response, 'text/javascript', options.appScript);
  if (path === '/sse-decoder.js') return asset(response, 'text/javascript', SSE_BROWSER_DECODER_JS);
  if (path === '/api/overview') return served.track(serveObservableSse(response, served.overview, { event: () => 'overview', encoding: 'json', scheduler: served.context.scheduler, onError: options.onError }));
  if (!route) return sendError(response, 404, 'not found');
  const name = decodeURIComponent(route[1] as string);
  const found = (await options.redis.findStreams(options.prefix, { name })).find((discovered) => discovered.stream.name === name)?.stream;
  if (!found) return sendError(response, 404, `no stream ${name} under the prefix`);
  return serveStreamRoute(request, response, served.context, readByTools(found), route[2] as string, served.track);
}

async function serveStreamRoute(request: IncomingMessage, response: ServerResponse, context: StreamRouteContext, stream: EventStream<unknown>, action: string, track: (connection: SseConnection) => void): Promise<void> {
  if (action === 'tail') {
    // entry ids are only unique within a partition: the tail (resumed by Last-Event-ID) reads one
    if (stream.partitions > 1) return sendError(response, 409, `the tail follows unpartitioned streams; ${stream.name} has ${stream.partitions} partitions`);
    return track(await serveTail(request, response, context, stream));
  }
  if (action === 'dead-letters') return serveDeadLetters(response, context, stream);
  return redrive(request, response, context, stream);
}

function asset(response: ServerResponse, type: string, body: string): void {
  response.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).end(body);
}

/** On a loopback interface, only loopback Host names: a page of another site cannot reach the dashboard by rebinding its DNS name. */
function hostAllowed(request: IncomingMessage, host: string): boolean {
  if (!LOOPBACK_NAMES.has(host)) return true;
  const name = (request.headers.host ?? '').replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(name);
}

/** A browser's POST from another origin carries an `Origin` header that is not this server's. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${request.headers.host ?? ''}`;
}
