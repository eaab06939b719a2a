import type { Span } from '@opentelemetry/api';
import { inspect } from 'node:util';
import type { EntryFields } from '../codec/entryCodec';
import type { DeliverySettler } from '../consumer/Delivery';
import type { OpenTelemetryApi } from './loadOpenTelemetry';

/** Entry fields that carry the producer's trace context (W3C Trace Context). */
export const TRACE_FIELDS = ['traceparent', 'tracestate'] as const;

const TRACER_NAME = 'rx-redis-events';

/**
 * Trace propagation through streams with `@opentelemetry/api`: `produce` runs in a producer span
 * whose context travels in each entry (`traceparent`, `tracestate`); each delivery is handled in a
 * consumer span, a child of the producer's context and linked to it, ended when the delivery is
 * acked (status OK) or nacked (status ERROR with the handler's error).
 */
export class Tracing {
  constructor(
    private readonly api: OpenTelemetryApi,
    private readonly group: string,
  ) {}

  /**
   * Starts a producer span for a produce call of `count` events on `stream`; returns the fields to add
   * to every entry and a function that ends the span with the call's outcome. Without an active
   * trace and without a recording SDK, returns no fields.
   */
  startProduce(stream: string, count: number): { readonly fields: Record<string, string>; readonly end: (error?: unknown) => void } {
    const { api } = this;
    const span = api.trace.getTracer(TRACER_NAME).startSpan(`${stream} publish`, {
      kind: api.SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'redis', 'messaging.operation.type': 'send', 'messaging.destination.name': stream, 'messaging.batch.message_count': count },
    });
    const fields: Record<string, string> = {};
    api.propagation.inject(api.trace.setSpan(api.context.active(), span), fields);
    return { fields: pick(fields), end: (error) => this.end(span, error) };
  }

  /**
   * Runs `emit` (handing the delivery to the subscriber) inside a consumer span for the entry, so the
   * handler's synchronous part and what it starts run in that span's context; returns a settler that
   * ends the span when the delivery is settled.
   */
  deliver(stream: string, id: string, deliveryCount: number, fields: EntryFields, settler: DeliverySettler, emit: (settler: DeliverySettler) => void): void {
    const { api } = this;
    const parent = fields.traceparent === undefined ? api.ROOT_CONTEXT : api.propagation.extract(api.ROOT_CONTEXT, fields);
    const producer = api.trace.getSpanContext(parent);
    const span = api.trace.getTracer(TRACER_NAME).startSpan(
      `${stream} process`,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'redis',
          'messaging.operation.type': 'process',
          'messaging.destination.name': stream,
          'messaging.consumer.group.name': this.group,
          'messaging.message.id': id,
          'messaging.redis.delivery_count': deliveryCount,
        },
        links: producer ? [{ context: producer }] : [],
      },
      parent,
    );
    const traced: DeliverySettler = {
      ack: (entryId, count) => {
        this.end(span);
        return settler.ack(entryId, count);
      },
      nack: (entryId, count, delayMs, error) => {
        this.end(span, error ?? 'nacked');
        return settler.nack(entryId, count, delayMs, error);
      },
      deadLetter: (entryId, count, reason) => {
        this.end(span, reason ?? 'rejected');
        return settler.deadLetter(entryId, count, reason);
      },
    };
    api.context.with(api.trace.setSpan(parent, span), () => emit(traced));
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
