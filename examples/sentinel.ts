/**
 * Redis Sentinel: the service asks the sentinels where the master is, and asks again when it loses
 * the connection, so producers, blocked readers and listeners follow a failover by themselves.
 * `spec/faults/sentinel.spec.ts` runs these services against a master, a replica and three
 * sentinels and SIGKILLs the master under load. Against your own sentinels:
 * `SENTINELS=10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379 npx tsx examples/sentinel.ts`.
 */
import { createEventService, eventStream, type EventService } from 'rx-redis-events';

/** Where the sentinels are, and what the service needs besides. */
export interface SentinelSetup {
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  readonly group: string;
  readonly prefix?: string;
  readonly onError?: (error: unknown) => void;
}

/** A service on the master that the sentinels monitor under the name `main`. */
export function createSentinelService({ sentinels, group, prefix, onError }: SentinelSetup): EventService {
  return createEventService({
    group,
    prefix,
    onError,
    // any sentinel that answers names the master; after a failover, the new one
    redis: { sentinels: [...sentinels], name: 'main' },
    // produce resolves once a replica has the entries too, so an acknowledged event survives a failover
    durability: { replicas: 1, timeoutMs: 1000 },
  });
}

if (require.main === module) {
  const sentinels = (process.env.SENTINELS ?? '127.0.0.1:26379').split(',').map((address) => {
    const [host = '127.0.0.1', port = '26379'] = address.split(':');
    return { host, port: Number(port) };
  });
  const service = createSentinelService({ sentinels, group: 'orders', prefix: 'orders:' });
  service
    .produce(eventStream<{ id: number }>('placed'), { id: 1 })
    .then((ids) => console.log('produced', ids))
    .finally(() => service.close())
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
