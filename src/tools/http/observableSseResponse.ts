import type { Observable } from 'rxjs';
import { FetchSseSink } from './FetchSseSink';
import { SseChannel, sseHeaders } from './SseChannel';
import { sseConfigWithDefaults, type SseConfig } from './sseConfig';
import { sendEach } from './sendEach';

/**
 * `serveObservableSse` for runtimes that answer a Fetch `Request` with a `Response` (Next.js route handlers,
 * Hono, Bun, Deno): subscribes to `source$` now and returns a `Response` whose body streams each
 * value as an event; the body cancelled (the client went away) unsubscribes.
 *
 * ```text
 * source$:   --a----b------c---|
 * body:      --a----b------c---(end: complete)
 *               : heartbeat every heartbeatMs
 * ```
 *
 * Same headers, fields, encoding, heartbeat (on `config.scheduler`) and `event: end` as `serveObservableSse`.
 * The body is pull-based: frames the client has not read wait in the body (up to 16) and then in
 * the bounded queue of `maxBufferedEvents`, where `onSlowClient` decides (`'close'` errors the body).
 *
 * ## Example
 * ```ts
 * import { observableSseResponse } from 'rx-redis-events/http';
 *
 * app.get('/prices', () => observableSseResponse(service.listen(PriceChanged), { event: () => 'price' }));
 * ```
 *
 * @param source$ What to send: hot or cold; subscribed once, now.
 * @param config Fields, encoding, heartbeat, slow-client policy; see {@link SseConfig}.
 * @returns A `200` response with the SSE headers and a streaming body.
 * @see eventStreamSseResponse for event streams, resumable with `Last-Event-ID`.
 */
export function observableSseResponse<T>(source$: Observable<T>, config: SseConfig<T> = {}): Response {
  const resolved = sseConfigWithDefaults(config);
  const sink = new FetchSseSink();
  sendEach(new SseChannel(sink, resolved), source$, resolved);
  return new Response(sink.body, { status: 200, headers: sseHeaders(resolved, true) });
}
