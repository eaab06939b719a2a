import type { EventStream } from '../../definitions/eventStream';
import type { EventService } from '../../service/EventService';
import { FetchSseSink } from './FetchSseSink';
import { sseHeaders } from './SseChannel';
import { openEventStream, resumeId, type EventStreamSseConfig } from './eventStreamPump';

/**
 * `serveEventStreamSse` for runtimes that answer a Fetch `Request` with a `Response`: the event stream
 * as Server-Sent Events, each entry an event whose `id:` is its entry id, resumed exactly after the
 * request's `Last-Event-ID`. A reader, not a consumer (no group, nothing acked).
 *
 * ```text
 * stream:    1-0  2-0  3-0  | browser reconnects with Last-Event-ID: 2-0 |  4-0
 * body:      1-0  2-0  (cut)                                    3-0  4-0
 * ```
 *
 * A slow client grows no memory: the next page is read only once the body has room (its reader
 * pulled), so at most `pageSize` events wait. The body cancelled (the client went away) stops reading.
 *
 * ## Example
 * ```ts
 * import { eventStreamSseResponse } from 'rx-redis-events/http';
 *
 * app.get('/jobs/:id/events', (c) => eventStreamSseResponse(c.req.raw, service, JobEvents.progress, { filter: (entry) => entry.key === c.req.param('id') }));
 * ```
 *
 * @param request Its `Last-Event-ID` header (an entry id) says where to resume.
 * @param service Reads with `service.read`; closing the service ends the body (`event: end`, `{ reason: 'error' }`).
 * @param stream The event stream to serve (one partition).
 * @param config See {@link EventStreamSseConfig}.
 * @returns A `200` response with the SSE headers and a streaming body.
 * @see observableSseResponse for any Observable.
 */
export function eventStreamSseResponse<T>(request: Request, service: EventService, stream: EventStream<T>, config: EventStreamSseConfig<T> = {}): Response {
  const sink = new FetchSseSink();
  const { start } = openEventStream(() => sink, stream, config, 'eventStreamSseResponse');
  start(service, resumeId(request.headers.get('last-event-id')));
  return new Response(sink.body, { status: 200, headers: sseHeaders(config, true) });
}
