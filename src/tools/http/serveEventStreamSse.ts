import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventStream } from '../../definitions/eventStream';
import type { EventService } from '../../service/EventService';
import { sseHeaders, type SseConnection } from './SseChannel';
import { openEventStream, resumeId, type EventStreamSseConfig } from './eventStreamPump';
import { openNodeResponse } from './SseSink';

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
 * import { serveEventStreamSse } from 'rx-redis-events/http';
 *
 * createServer((request, response) => {
 *   serveEventStreamSse(request, response, service, JobEvents.progress, { filter: (entry) => entry.key === jobId });
 * });
 * ```
 *
 * @param request Its `Last-Event-ID` header (an entry id) says where to resume.
 * @param response The response to write; nothing may have been written to it yet.
 * @param service Reads with `service.read`; closing the service ends the response (`event: end`, `{ reason: 'error' }`).
 * @param stream The event stream to serve.
 * @param config See {@link EventStreamSseConfig}.
 * @returns The connection: counters, `closed` (why it ended) and `close()`.
 * @see serveObservableSse for any Observable (broadcast streams, derived values).
 */
export function serveEventStreamSse<T>(request: IncomingMessage, response: ServerResponse, service: EventService, stream: EventStream<T>, config: EventStreamSseConfig<T> = {}): SseConnection {
  const { channel, start } = openEventStream(() => openNodeResponse(response, sseHeaders(config)), stream, config, 'serveEventStreamSse');
  start(service, resumeId(request.headers['last-event-id']));
  return channel;
}

