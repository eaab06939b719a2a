import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { SseChannel, sseHeaders, type SseConnection } from './SseChannel';
import { sseConfigWithDefaults, type SseConfig } from './sseConfig';
import { openNodeResponse } from './SseSink';
import { sendEach } from './sendEach';

/**
 * Serves an Observable as a Server-Sent Events response: subscribes to `source$` now, writes each
 * value as an event, and unsubscribes when the client disconnects.
 *
 * ```text
 * source$:   --a----b------c---|
 * response:  --a----b------c---(end: complete)
 *               : heartbeat every heartbeatMs
 * ```
 *
 * Sends the SSE headers (`content-type: text/event-stream`, `cache-control: no-cache`,
 * `connection: keep-alive`, `x-accel-buffering: no`), then per value an event with `id:` and
 * `event:` when `config.id`/`config.event` give them and the value as `data:` (superjson by
 * default: decode it in the page with {@link SSE_BROWSER_DECODER_JS}). When `source$` completes or
 * fails, sends `event: end` with data `{ reason: 'complete' | 'error' }` and ends the response: a
 * page should then call `eventSource.close()`, or the browser reconnects. The error itself goes
 * to `config.onError`, never to the browser.
 *
 * A client whose socket does not keep up gets at most `maxBufferedEvents` events held for it;
 * then `onSlowClient` decides: drop its oldest events (announced with `event: dropped`) or close.
 * Works with `node:http`, and with Express (`res`) or Fastify (`reply.raw`) responses.
 *
 * ## Example
 * ```ts
 * import { createServer } from 'node:http';
 * import { serveObservableSse } from 'rx-redis-events/http';
 *
 * createServer((request, response) => {
 *   serveObservableSse(response, service.listen(PriceChanged), { event: () => 'price' });
 * }).listen(8080);
 * ```
 *
 * @param response The response to write; nothing may have been written to it yet.
 * @param source$ What to send: hot or cold; subscribed once, now.
 * @param config Fields, encoding, heartbeat, slow-client policy; see {@link SseConfig}.
 * @returns The connection: counters, `closed` (why it ended) and `close()`.
 * @see serveEventStreamSse for event streams, resumable with `Last-Event-ID`.
 */
export function serveObservableSse<T>(response: ServerResponse, source$: Observable<T>, config: SseConfig<T> = {}): SseConnection {
  const resolved = sseConfigWithDefaults(config);
  const channel = new SseChannel(openNodeResponse(response, sseHeaders(resolved)), resolved);
  sendEach(channel, source$, resolved);
  return channel;
}
