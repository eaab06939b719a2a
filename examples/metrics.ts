/**
 * Prometheus metrics for a service: counters fed by `instrumentation$` (what this instance does) and
 * gauges read with `describe` when Prometheus scrapes (what the stream looks like for every group),
 * served over HTTP with prom-client.
 *
 * Run: `npx tsx examples/metrics.ts` (in memory) or `REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/metrics.ts`,
 * then `curl http://127.0.0.1:9464/metrics` (`PORT` to change it; Ctrl-C to stop).
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { firstValueFrom, take, tap, toArray } from 'rxjs';
import { Counter, Gauge, Registry } from 'prom-client';
import { createEventService, eventStream, MemoryBroker, type EventService, type StreamDescription } from 'rx-redis-events';

interface Order {
  orderId: string;
  amount: number;
}

export const Orders = eventStream<Order>('orders', { key: (order) => order.orderId });

/** Registers the library's metrics for `service` and the streams it watches; returns the registry. */
export function registerMetrics(service: EventService, streams: readonly (typeof Orders)[]): Registry {
  const registry = new Registry();
  const labels = ['stream', 'group'] as const;
  const delivered = new Counter({ name: 'rx_events_delivered_total', help: 'Deliveries handed to consumers of this instance', labelNames: labels, registers: [registry] });
  const acked = new Counter({ name: 'rx_events_acked_total', help: 'Deliveries acked by this instance', labelNames: labels, registers: [registry] });
  const deadLettered = new Counter({ name: 'rx_events_dead_lettered_total', help: 'Entries this instance moved to the dead-letter stream', labelNames: [...labels, 'reason'], registers: [registry] });
  const produced = new Counter({ name: 'rx_events_produced_total', help: 'Events this instance produced', labelNames: ['stream'], registers: [registry] });
  const lost = new Counter({ name: 'rx_connection_lost_total', help: 'Connections to Redis lost', labelNames: ['connection'], registers: [registry] });

  service.instrumentation$.subscribe((event) => {
    switch (event.type) {
      case 'consumer.delivered':
        return delivered.inc({ stream: event.stream, group: event.group });
      case 'consumer.acked':
        return acked.inc({ stream: event.stream, group: event.group });
      case 'consumer.deadLettered':
        return deadLettered.inc({ stream: event.stream, group: event.group, reason: event.reason });
      case 'producer.produced':
        return produced.inc({ stream: event.stream }, event.ids.length);
      case 'connection.lost':
        return lost.inc({ connection: event.connection });
      default:
        return undefined;
    }
  });

  // Gauges are read with describe() when scraped: they cover every group, not only this instance.
  const gauge = (name: string, help: string, read: (described: StreamDescription) => [Partial<Record<'stream' | 'group', string>>, number | undefined][]) =>
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      async collect() {
        this.reset();
        for (const stream of streams) for (const [labelValues, value] of read(await service.describe(stream))) if (value !== undefined) this.set(labelValues, value);
      },
    });
  gauge('rx_stream_length', 'Entries in the stream', (d) => [[{ stream: d.stream }, d.length]]);
  gauge('rx_stream_dead_letters', 'Entries in the dead-letter stream', (d) => [[{ stream: d.stream }, d.deadLetters]]);
  gauge('rx_group_lag', 'Entries not yet delivered to the group', (d) => d.groups.map((g) => [{ stream: d.stream, group: g.name }, g.lag]));
  gauge('rx_group_pending', 'Entries delivered to the group and not acked', (d) => d.groups.map((g) => [{ stream: d.stream, group: g.name }, g.pending]));
  return registry;
}

/** Serves `registry` at `/metrics`. */
export async function serveMetrics(registry: Registry, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** The sample values a scrape showed, for the example's spec. */
export interface MetricsSummary {
  readonly samples: Record<string, number>;
}

/** Produces 10 orders, handles them (order-7 is poison), scrapes `/metrics` once and returns the library's samples. */
export async function main(env: { redisUrl?: string; port?: number; keepServing?: boolean; log?: (line: string) => void } = {}): Promise<MetricsSummary> {
  const log = env.log ?? console.log;
  const broker = env.redisUrl ? undefined : new MemoryBroker();
  const prefix = `metrics-example-${process.pid}:`;
  const service = createEventService({ group: 'billing', ...(env.redisUrl ? { redis: env.redisUrl } : { broker }), prefix });
  const registry = registerMetrics(service, [Orders]);
  const server = await serveMetrics(registry, env.port ?? 0);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
  try {
    const settled: Promise<void>[] = [];
    const handled = firstValueFrom(
      service.consume(Orders, { from: 'start', maxDeliveries: 1 }).pipe(
        tap((delivery) => {
          // order-7 cannot be billed: nacked on its last allowed delivery, it goes to the dead-letter stream
          settled.push(delivery.value.orderId === 'order-7' ? delivery.nack({ error: new Error('card declined') }) : delivery.ack());
        }),
        take(10),
        toArray(),
      ),
    );
    await service.produce(Orders, ...Array.from({ length: 10 }, (_, n) => ({ orderId: `order-${n}`, amount: 10 * n })));
    await handled;
    await Promise.all(settled); // acks recorded by Redis, the dead letter moved
    const text = await (await fetch(url)).text();
    log(`metrics at ${url}:`);
    const samples: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (!line.startsWith('rx_')) continue;
      log(`  ${line}`);
      const [name, value] = line.split(' ');
      samples[name as string] = Number(value);
    }
    if (env.keepServing) await once(process, 'SIGINT');
    return { samples };
  } finally {
    server.close();
    await service.close();
  }
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 9464);
  main({ redisUrl: process.env.REDIS_URL || undefined, port, keepServing: true }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
