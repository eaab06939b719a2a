import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SchedulerLike } from 'rxjs';
import { stringify } from 'superjson';
import type { EventStream } from '../../definitions/eventStream';
import { serveEventStreamSse } from '../http/serveEventStreamSse';
import type { SseConnection } from '../http/SseChannel';
import { parseStreamId } from '../../internal/streamId';
import { streamKeyOf } from '../../partitions/streamLayout';
import type { EventService } from '../../service/EventService';
import type { RedisTools } from '../../transport/redis/redisTools';
import type { DeadLetterList, ErrorBody, RedriveResult } from './protocol';

/** Entries a new tail starts with (the last ones), before the live ones. */
export const TAIL_BACKLOG = 20;
/** Most dead letters listed. */
export const DEAD_LETTER_LIMIT = 100;
/** Largest redrive request body, in bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/** What the stream routes work with. */
export interface StreamRouteContext {
  readonly service: EventService;
  readonly redis: RedisTools;
  readonly prefix: string;
  readonly allowRedrive: boolean;
  readonly scheduler: SchedulerLike;
  readonly onError: (error: unknown) => void;
  /** Called after a redrive, so that the overview polls at once. */
  readonly redriven: () => void;
}

/** Writes a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

/** An error answer: `{ error }`. */
export function sendError(response: ServerResponse, status: number, error: string): void {
  sendJson(response, status, { error } satisfies ErrorBody);
}

/**
 * `GET …/tail`: the stream as SSE (`event: entry`, superjson values), resumable with `Last-Event-ID`;
 * without it, from the last {@link TAIL_BACKLOG} entries on. The dashboard cannot know a stream's
 * codec: `stream` reads values as superjson, else plain JSON, else as their raw text (a string).
 */
export async function serveTail(request: IncomingMessage, response: ServerResponse, context: StreamRouteContext, stream: EventStream<unknown>): Promise<SseConnection> {
  if (request.headers['last-event-id'] === undefined) {
    const recent = await context.redis.lastIds(streamKeyOf(context.prefix, stream), TAIL_BACKLOG + 1);
    // resume after the entry before the backlog: serveEventStreamSse reads the header like a browser's
    if (recent.length > TAIL_BACKLOG) request.headers['last-event-id'] = recent[TAIL_BACKLOG];
  }
  return serveEventStreamSse(request, response, context.service, stream, { from: 'start', event: () => 'entry', encoding: 'superjson', scheduler: context.scheduler, onError: context.onError });
}

/** `GET …/dead-letters`: the oldest {@link DEAD_LETTER_LIMIT} dead letters, superjson. */
export async function serveDeadLetters(response: ServerResponse, context: StreamRouteContext, stream: EventStream<unknown>): Promise<void> {
  const letters = await context.service.deadLetters(stream, { limit: DEAD_LETTER_LIMIT });
  const list: DeadLetterList = {
    stream: stream.name,
    limit: DEAD_LETTER_LIMIT,
    letters: letters.map(({ id, sourceId, group, reason, deliveryCount, error, deadLetteredAt, key, value }) => ({ id, sourceId, group, reason, deliveryCount, error, deadLetteredAt, key, value })),
  };
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(stringify(list));
}

/**
 * `POST …/redrive` with `{ ids? }`: puts those dead letters (all without `ids`) back on the stream.
 * 403 unless redrive is allowed; 415 unless the body is JSON (a cross-site form cannot send that
 * without a CORS preflight, which is never answered).
 */
export async function redrive(request: IncomingMessage, response: ServerResponse, context: StreamRouteContext, stream: EventStream<unknown>): Promise<void> {
  if (!context.allowRedrive) return sendError(response, 403, 'redrive is disabled: start the dashboard with --allow-redrive');
  if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) return sendError(response, 415, 'send the redrive request as application/json');
  let ids: string[] | undefined;
  try {
    ids = idsOf(JSON.parse(await readBody(request)) as unknown);
  } catch (error) {
    return sendError(response, 400, error instanceof Error ? error.message : String(error));
  }
  const redriven = await context.service.redrive(stream, ids === undefined ? {} : { ids });
  context.redriven();
  sendJson(response, 200, { stream: stream.name, redriven } satisfies RedriveResult);
}

/** The `ids` of a redrive request: absent, or entry ids. */
function idsOf(body: unknown): string[] | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('the body must be a JSON object { ids?: string[] }');
  const { ids } = body as { ids?: unknown };
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string' && parseStreamId(id) !== undefined)) throw new Error('ids must be an array of entry ids');
  return ids;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) request.destroy(new Error('the body is too large'));
    });
    request.once('end', () => resolve(body));
    request.once('error', reject);
  });
}
