import type { IncomingMessage, ServerResponse } from 'node:http';
import { firstValueFrom, from, race, timer } from 'rxjs';
import type { EventStream } from '../definitions/eventStream';
import { isRetriable } from '../errors';
import { parseStreamId } from '../internal/streamId';
import type { EventService } from '../service/EventService';
import type { StreamEntry } from '../service/readStream';
import { assertSinglePartition } from '../service/assertDefinition';
import { SseChannel, type SseConnection } from './SseChannel';
import { sseConfigWithDefaults, type SseConfig } from './sseConfig';

/** How an event stream is served over SSE: {@link SseConfig} (without `id`: it is the entry id; the data is the entry's value) and where reading starts and how. */
export interface EventStreamSseConfig<T> extends Omit<SseConfig<StreamEntry<T>>, 'id'> {
  /** Where a browser without `Last-Event-ID` starts: only entries added from now on (`'new'`, default), or the first entry (`'start'`). */
  readonly from?: 'start' | 'new';
  /** Only entries it returns true for are sent (they are read all the same), such as one job's events. */
  readonly filter?: (entry: StreamEntry<T>) => boolean;
  /** Entries read at once. Default 100. */
  readonly pageSize?: number;
  /** How long to wait before reading again once the stream has nothing new. Default 250 ms. */
  readonly pollMs?: number;
}

/** The defaults of {@link EventStreamSseConfig} beyond {@link DEFAULT_SSE_CONFIG}. */
export const DEFAULT_EVENT_STREAM_SSE_CONFIG = { from: 'new', pageSize: 100, pollMs: 250 } as const;

/**
 * Serves an event stream to a browser as Server-Sent Events, resumable: each entry is an event
 * whose `id:` is its entry id and whose data is its value; a browser that reconnects sends the
 * last id it saw as `Last-Event-ID`, and the stream goes on exactly after it.
 *
 * ```text
 * stream:    1-0  2-0  3-0  | browser reconnects with Last-Event-ID: 2-0 |  4-0
 * response:  1-0  2-0  (cut)                                    3-0  4-0
 * ```
 *
 * **A reader, not a consumer.** The browser joins no consumer group: it reads the stream
 * (`XRANGE` after the last id, then again every `pollMs` while nothing is new), so it neither
 * takes events away from the service's instances nor acks anything. Nothing can be lost by a
 * disconnect: the position lives in the browser (`Last-Event-ID`), the events in the stream,
 * and every group still gets every event. It costs no Redis connection per browser: reads run on
 * the service's command connection. What a browser can resume depends on the stream's retention:
 * an id older than the oldest entry resumes from the oldest entry.
 *
 * **Slow clients** never grow server memory and lose nothing: the next page is only read once the
 * socket has taken the previous one, so at most `pageSize` events wait for a client.
 *
 * ## Example
 * ```ts
 * import { serveEventStream } from 'rx-redis-events/http';
 *
 * createServer((request, response) => {
 *   serveEventStream(request, response, service, JobEvents.progress, { filter: (entry) => entry.key === jobId });
 * });
 * ```
 *
 * @param request Its `Last-Event-ID` header (an entry id) says where to resume.
 * @param response The response to write; nothing may have been written to it yet.
 * @param service Reads with `service.read`; closing the service ends the response (`event: end`, `{ reason: 'error' }`).
 * @param stream The event stream to serve.
 * @param config See {@link EventStreamSseConfig}.
 * @returns The connection: counters, `closed` (why it ended) and `close()`.
 * @see serveSse for any Observable (broadcast streams, derived values).
 */
export function serveEventStream<T>(request: IncomingMessage, response: ServerResponse, service: EventService, stream: EventStream<T>, config: EventStreamSseConfig<T> = {}): SseConnection {
  const { from: start = DEFAULT_EVENT_STREAM_SSE_CONFIG.from, filter, pageSize = DEFAULT_EVENT_STREAM_SSE_CONFIG.pageSize, pollMs = DEFAULT_EVENT_STREAM_SSE_CONFIG.pollMs, ...sse } = config;
  assertSinglePartition(stream, 'serveEventStream');
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new RangeError(`rx-redis-events: pageSize must be an integer from 1 to 10000, got ${String(pageSize)}`);
  if (!Number.isSafeInteger(pollMs) || pollMs < 1) throw new RangeError(`rx-redis-events: pollMs must be an integer ≥ 1, got ${String(pollMs)}`);
  const resolved = sseConfigWithDefaults<StreamEntry<T>>({ ...sse, maxBufferedEvents: Math.max(pageSize, sse.maxBufferedEvents ?? 0) });
  const channel = new SseChannel(response, resolved);
  const send = (entry: StreamEntry<T>) => ({ id: entry.id, event: resolved.event?.(entry), value: entry.value });
  const lastEventId = resumeId(request);
  void pump(channel, service, stream, { lastEventId, start, filter, send, pageSize, pollMs, scheduler: resolved.scheduler, report: resolved.onError });
  return channel;
}

/** The `Last-Event-ID` header, when it is an entry id (anything else is ignored). */
function resumeId(request: IncomingMessage): string | undefined {
  const header = request.headers['last-event-id'];
  const id = Array.isArray(header) ? header[0] : header;
  return id !== undefined && parseStreamId(id.trim()) ? id.trim() : undefined;
}

interface PumpSettings<T> {
  readonly lastEventId: string | undefined;
  readonly start: 'start' | 'new';
  readonly filter: ((entry: StreamEntry<T>) => boolean) | undefined;
  readonly send: (entry: StreamEntry<T>) => { id: string; event: string | undefined; value: T };
  readonly pageSize: number;
  readonly pollMs: number;
  readonly scheduler: NonNullable<SseConfig<T>['scheduler']>;
  readonly report: (error: unknown) => void;
}

/** Reads page after page while the client takes them; waits `pollMs` when nothing is new; retries retriable failures. */
async function pump<T>(channel: SseChannel, service: EventService, stream: EventStream<T>, settings: PumpSettings<T>): Promise<void> {
  const closed = from(channel.closed);
  const pause = () => firstValueFrom(race(timer(settings.pollMs, settings.scheduler), closed));
  try {
    let after = settings.lastEventId ?? (settings.start === 'start' ? '0-0' : ((await service.lastId(stream)) ?? '0-0'));
    while (!channel.ended) {
      await channel.whenWritable();
      if (channel.ended) return;
      let page;
      try {
        page = await service.read(stream, { after, count: settings.pageSize });
      } catch (error) {
        if (!isRetriable(error)) throw error;
        settings.report(error);
        await pause();
        continue;
      }
      after = page.next;
      for (const entry of page.entries) if (!settings.filter || settings.filter(entry)) channel.send(() => settings.send(entry));
      if (page.entries.length < settings.pageSize) await pause();
    }
  } catch (error) {
    channel.fail(error);
  }
}
