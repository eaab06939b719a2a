import type { Attributes, Span } from '@opentelemetry/api';
import { inspect } from 'node:util';
import { TRACE_FIELDS, TRACEPARENT_FIELD, type EntryFields } from '../codec/entryFields';
import type { ServerAddress } from '../transport/StreamTransport';
import type { OpenTelemetryApi } from './loadOpenTelemetry';

const TRACER_NAME = 'rx-redis-events';

/**
 * Trace propagation through streams with `@opentelemetry/api`, after the OpenTelemetry messaging
 * conventions: `produce` runs in a producer span `send <stream>` whose context travels in each entry
 * (`traceparent`, `tracestate`); each delivery is handled in a consumer span `process <stream>`, a
 * child of the producer's context (and linked to it) when the entry carries one, ended when the
 * delivery is acked (status OK) or nacked (status ERROR with the handler's error).
 */
export class Tracing {
  /**
   * @param serverOf The server that holds a key (`server.address`, `server.port`), on Redis.
   */
  constructor(
    private readonly api: OpenTelemetryApi,
    private readonly group: string,
    private readonly serverOf: ((key: string) => ServerAddress | undefined) | undefined,
  ) {}

  /**
   * Starts a producer span for a produce call of `count` events on `stream` (stored under `keys`);
   * returns the fields to add to every entry and a function that ends the span with the call's
   * outcome. Without an active span and without a registered SDK, there is nothing to record or
   * continue: returns `undefined` at once (the common case without tracing set up).
   */
  startProduce(stream: string, keys: readonly string[], count: number): { readonly fields: Record<string, string>; readonly end: (error?: unknown) => void } | undefined {
    const { api } = this;
    if (api.trace.getSpan(api.context.active()) === undefined && !this.sdkRegistered()) return undefined;
    const attributes: Attributes = { ...this.common('send', stream, keys), ...(count > 1 ? { 'messaging.batch.message_count': count } : {}) };
    const span = api.trace.getTracer(TRACER_NAME).startSpan(`send ${stream}`, { kind: api.SpanKind.PRODUCER, attributes });
    const fields: Record<string, string> = {};
    api.propagation.inject(api.trace.setSpan(api.context.active(), span), fields);
    return { fields: pick(fields), end: (error) => this.end(span, error) };
  }

  /**
   * Whether a delivery of an entry with `fields` gets a consumer span ({@link deliver}): when it
   * carries a trace to continue, or an SDK is registered to record one (`recording`, read once per
   * read with {@link sdkRegistered}). Otherwise the delivery costs nothing more (the common case
   * without tracing set up).
   */
  spans(fields: EntryFields, recording: boolean): boolean {
    return recording || fields[TRACEPARENT_FIELD] !== undefined;
  }

  /**
   * Runs `emit` (handing the delivery to the subscriber) inside a consumer span for the entry of
   * `key`, so the handler's synchronous part and what it starts run in that span's context; `emit`
   * gets what ends the span with the delivery's outcome (`undefined` when nothing records the span).
   */
  deliver(stream: string, key: string, id: string, deliveryCount: number, fields: EntryFields, emit: (endSpan: ((error?: unknown) => void) | undefined) => void): void {
    const { api } = this;
    const parent = fields[TRACEPARENT_FIELD] === undefined ? api.ROOT_CONTEXT : api.propagation.extract(api.ROOT_CONTEXT, fields);
    const producer = api.trace.getSpanContext(parent);
    const attributes: Attributes = {
      ...this.common('process', stream, [key]),
      'messaging.consumer.group.name': this.group,
      'messaging.message.id': id,
      'messaging.redis.delivery_count': deliveryCount,
    };
    const span = api.trace.getTracer(TRACER_NAME).startSpan(`process ${stream}`, { kind: api.SpanKind.CONSUMER, attributes, links: producer ? [{ context: producer }] : [] }, parent);
    // no SDK records it and no trace to continue: nothing to end or to make active
    if (!producer && !span.isRecording()) return emit(undefined);
    api.context.with(api.trace.setSpan(parent, span), () => emit((error) => this.end(span, error)));
  }

  /**
   * Whether an SDK is registered: without one the global provider is the API's proxy with no delegate,
   * whose spans record nothing (checked at each read, since an application may register its SDK
   * after creating the service).
   */
  sdkRegistered(): boolean {
    const provider = this.api.trace.getTracerProvider();
    return !(provider instanceof this.api.ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
  }

  /** The attributes of every span: the operation, the stream and, on Redis, the server when all `keys` are on one. */
  private common(operation: 'send' | 'process', stream: string, keys: readonly string[]): Attributes {
    const attributes: Attributes = { 'messaging.system': 'redis', 'messaging.operation.type': operation, 'messaging.operation.name': operation, 'messaging.destination.name': stream };
    const server = this.serverOf && keys.length > 0 ? sameServer(keys.map(this.serverOf)) : undefined;
    if (server) {
      attributes['server.address'] = server.address;
      if (server.port !== undefined) attributes['server.port'] = server.port;
    }
    return attributes;
  }

  private end(span: Span, error?: unknown): void {
    if (error !== undefined) {
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : typeof error === 'string' ? error : inspect(error) });
      if (error instanceof Error) span.recordException(error);
    } else {
      span.setStatus({ code: this.api.SpanStatusCode.OK });
    }
    span.end();
  }
}

function pick(carrier: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of TRACE_FIELDS) if (typeof carrier[name] === 'string') fields[name] = carrier[name];
  return fields;
}

function sameServer(servers: readonly (ServerAddress | undefined)[]): ServerAddress | undefined {
  const [first] = servers;
  return first && servers.every((server) => server?.address === first.address && server.port === first.port) ? first : undefined;
}
