import 'reflect-metadata';
import type { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Subject, firstValueFrom, take, timeout, toArray } from 'rxjs';
import { createEventService, eventStream, MemoryBroker, type EventService } from 'rx-redis-events';
import { RxRedisEventsClient, RxRedisEventsServer, type RxRedisEventsClientOptions, type RxRedisEventsServerOptions } from 'rx-redis-events/nestjs';
import { useRedisServer } from '../support/useRedisServer';

export type Backend = 'memory' | 'redis';

type ServerOptions = Partial<RxRedisEventsServerOptions> & { readonly group: string };

/** NestJS micro-services and clients of one test on one backend (a private redis-server for the file on Redis), closed after each test. */
export function useNestApps(backend: Backend) {
  const redis = backend === 'redis' ? useRedisServer() : undefined;
  let broker: MemoryBroker | undefined;
  let prefix = '';
  const apps: INestMicroservice[] = [];
  const closables: { close(): Promise<void> }[] = [];
  beforeEach(() => {
    broker = backend === 'memory' ? new MemoryBroker() : undefined;
    prefix = `nest:${Math.random().toString(36).slice(2)}:`;
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await Promise.all(closables.splice(0).map((closable) => closable.close()));
  });
  const connection = () => (redis ? { redis: redis.server.url, prefix } : { broker, prefix });
  const startServer = async (module: Type, options: ServerOptions): Promise<{ app: INestMicroservice; server: RxRedisEventsServer }> => {
    const strategy = new RxRedisEventsServer({ ...connection(), ...options });
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { strategy, logger: false });
    apps.push(app);
    await app.listen();
    return { app, server: strategy };
  };
  return {
    /** Where this test's services connect: the broker or the Redis URL, and the test's prefix. */
    connection,
    /** Creates and starts a NestJS micro-service on `RxRedisEventsServer`. */
    async start(module: Type, options: ServerOptions): Promise<INestMicroservice> {
      return (await startServer(module, options)).app;
    },
    /** As `start`, with the strategy. */
    startServer,
    /** Forgets an app the test closes itself. */
    closed(app: INestMicroservice): void {
      apps.splice(apps.indexOf(app), 1);
    },
    client(options: RxRedisEventsClientOptions = {}): RxRedisEventsClient {
      const client = new RxRedisEventsClient({ ...connection(), ...options });
      closables.push(client);
      return client;
    },
    /** A plain service on the same backend, to look at streams. */
    service(group = 'inspector'): EventService {
      const service = createEventService({ group, ...connection() });
      closables.push(service);
      return service;
    },
  };
}

/** What handlers recorded, and a way to wait for exactly `count` of them. */
export class Recorder<T> {
  private readonly subject = new Subject<T>();
  readonly all: T[] = [];

  record(value: T): void {
    this.all.push(value);
    this.subject.next(value);
  }

  /** Resolves with the next `count` records (from now), or rejects after `ms`. */
  next(count: number, ms = 10_000): Promise<T[]> {
    return firstValueFrom(this.subject.pipe(take(count), toArray(), timeout(ms)));
  }
}

/** Pending deliveries of `group` on `stream` (0 when the group does not exist). */
export async function pendingOf(service: EventService, stream: string, group: string): Promise<number> {
  const description = await service.describe(eventStream(stream));
  return description.groups.find((g) => g.name === group)?.pending ?? 0;
}
