import { firstValueFrom, from, race, timer } from 'rxjs';
import type { EventStream } from '../../definitions/eventStream';
import { isRetriable } from '../../errors';
import { parseStreamId } from '../../internal/streamId';
import type { EventService } from '../../service/EventService';
import type { StreamEntry } from '../../service/readStream';
import { assertSinglePartition } from '../../service/assertDefinition';
import { SseChannel } from './SseChannel';
import { sseConfigWithDefaults, type SseConfig } from './sseConfig';
import type { SseSink } from './SseSink';
import type { SseEncoding } from './sseFrames';

/**
 * How an event stream is served over SSE: {@link SseConfig} (without `id`: it is the entry id; the data is the entry's value) and where reading starts and how.
 * Without `encoding`, the data follows the stream's codec: superjson text, plain JSON for `codec: 'json'`, or what a custom codec's `encode` writes.
 */
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
 * Validates `config`, then opens the response (`openSink`) and the channel of an event stream served over SSE; `start`
 * begins reading after `lastEventId` (or where `config.from` says). Shared by `serveEventStreamSse`
 * (`node:http`) and `eventStreamSseResponse` (Fetch).
 */
export function openEventStream<T>(openSink: () => SseSink, stream: EventStream<T>, config: EventStreamSseConfig<T>, method: string): { channel: SseChannel; start: (service: EventService, lastEventId: string | undefined) => void } {
  const { from: start = DEFAULT_EVENT_STREAM_SSE_CONFIG.from, filter, pageSize = DEFAULT_EVENT_STREAM_SSE_CONFIG.pageSize, pollMs = DEFAULT_EVENT_STREAM_SSE_CONFIG.pollMs, ...sse } = config;
  assertSinglePartition(stream, method);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new RangeError(`rx-redis-events: pageSize must be an integer from 1 to 10000, got ${String(pageSize)}`);
  if (!Number.isSafeInteger(pollMs) || pollMs < 1) throw new RangeError(`rx-redis-events: pollMs must be an integer ≥ 1, got ${String(pollMs)}`);
  const resolved = sseConfigWithDefaults<StreamEntry<T>>({ ...sse, encoding: sse.encoding ?? encodingOf(stream), maxBufferedEvents: Math.max(pageSize, sse.maxBufferedEvents ?? 0) });
  const channel = new SseChannel(openSink(), resolved);
  const send = (entry: StreamEntry<T>) => ({ id: entry.id, event: resolved.event?.(entry), value: entry.value });
  return {
    channel,
    start: (service, lastEventId) => void pump(channel, service, stream, { lastEventId, start, filter, send, pageSize, pollMs, scheduler: resolved.scheduler, report: resolved.onError }),
  };
}

/** The data encoding that follows the stream's codec: superjson, plain JSON, or the text of its own `encode`. */
function encodingOf<T>(stream: EventStream<T>): SseEncoding {
  const { codec = 'superjson' } = stream;
  return typeof codec === 'string' ? codec : (value) => codec.encode(value as T);
}

/** A `Last-Event-ID` header's value, when it is an entry id (anything else is ignored). */
export function resumeId(header: string | string[] | null | undefined): string | undefined {
  const id = (Array.isArray(header) ? header[0] : header) ?? undefined;
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
