import { createEventService, eventStream, type Delivery, type EventService } from '../../../src';
import { collect } from '../../conformance/helpers';
import { eventually } from '../../support/eventually';

/** The stream of the group specs: 2 partitions, keyed by order. */
export const orders = eventStream<{ n: number }>('orders', { partitions: 2, key: (o) => `o${o.n}` });

/**
 * orders: 3 events; group billing (consumer b) acked 2 and holds o2; audit (consumer a) acked all 3.
 * The services are pushed onto `services` for the spec to close.
 */
export async function groupScenario(url: string, prefix: string, services: EventService[]): Promise<{ billing: EventService; ids: string[] }> {
  const open = (group: string, consumer: string) => {
    const service = createEventService({ group, consumer, redis: url, prefix, closeTimeoutMs: 300 }); // long enough for close() to leave the groups before it disconnects
    services.push(service);
    return service;
  };
  const billing = open('billing', 'b');
  const ids = await billing.produce(orders, { n: 1 }, { n: 2 }, { n: 3 });
  const held = await collect(billing.consume(orders, { from: 'start' }), 3);
  await Promise.all(held.filter((delivery) => delivery.value.n !== 2).map((delivery) => delivery.ack()));
  const audit = open('audit', 'a');
  await Promise.all((await collect(audit.consume(orders, { from: 'start' }), 3)).map((delivery: Delivery<{ n: number }>) => delivery.ack()));
  await eventually('settled', async () => (await billing.describe(orders)).groups.every((group) => group.pending === (group.name === 'billing' ? 1 : 0)));
  return { billing, ids };
}
