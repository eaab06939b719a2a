/**
 * The second process of the scheduled-events scenario: one service instance consuming (and so moving
 * the due scheduled events of) the stream. `tsx bench/scheduledWorker.ts <url> <prefix> <stream>`.
 * Prints `ready`, then one JSON line `{ n, due, id, at }` per delivery (`at`: wall-clock ms when it
 * arrived). SIGTERM closes the service and exits.
 */
import { createEventService, eventStream } from 'rx-redis-events';

const [url, prefix, name] = process.argv.slice(2) as [string, string, string];
const service = createEventService({ group: 'movers', consumer: 'w3', redis: url, prefix });
const stream = eventStream<{ n: number; due: number }>(name);
service.consume(stream, { from: 'start' }).subscribe((delivery) => {
  const at = performance.timeOrigin + performance.now();
  process.stdout.write(`${JSON.stringify({ n: delivery.value.n, due: delivery.value.due, id: delivery.id, at })}\n`);
  void delivery.ack();
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => void service.close().then(() => process.exit(0)));
