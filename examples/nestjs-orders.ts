/**
 * A NestJS micro-service on persistent event streams: `billing` bills every placed order
 * (`@EventPattern`, acked when the handler succeeds, retried when it throws), answers totals
 * (`@MessagePattern`, a value) and tracks an order (`@MessagePattern`, an Observable of several
 * replies); a `shop` application emits and sends through `RxRedisEventsClient`, registered with
 * `ClientsModule`, and sees an out-of-stock error as the RPC error an exception filter made of it.
 *
 * Run: `EXAMPLE=nestjs-orders npm run example` (in memory) or with `REDIS_URL=redis://...` for Redis.
 * tsx (esbuild) compiles the decorators but emits no type metadata: injections name their token (`@Inject`).
 */
import 'reflect-metadata';
import { Catch, Controller, Inject, Injectable, Module, UseFilters, type RpcExceptionFilter } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule, Ctx, EventPattern, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { Subject, firstValueFrom, interval, lastValueFrom, map, take, throwError, timeout, toArray, type Observable } from 'rxjs';
import { MemoryBroker, createEventService, eventStream } from 'rx-redis-events';
import { RxRedisEventsClient, RxRedisEventsServer, type RxRedisEventsContext } from 'rx-redis-events/nestjs';

interface OrderPlaced {
  orderId: string;
  cents: number;
  placedAt: Date;
}

class OutOfStock extends Error {}

/** Turns a domain error into the RPC error the client receives. */
@Catch(OutOfStock)
class OutOfStockFilter implements RpcExceptionFilter<OutOfStock> {
  catch(error: OutOfStock): Observable<never> {
    return throwError(() => ({ code: 'OUT_OF_STOCK', message: error.message }));
  }
}

/** What billing did, read by `main`. */
const billed = new Subject<{ orderId: string; deliveryCount: number; placedAtIsDate: boolean }>();

// #region controller
@Controller()
class BillingController {
  private readonly totals = new Map<string, number>();

  @EventPattern('orders.placed')
  bill(@Payload() order: OrderPlaced, @Ctx() context: RxRedisEventsContext) {
    const { deliveryCount } = context.getDelivery();
    // the payment provider fails the first try of o3: the event is nacked and delivered again
    if (order.orderId === 'o3' && deliveryCount === 1) throw new Error('payment provider timed out');
    this.totals.set(order.orderId, order.cents);
    billed.next({ orderId: order.orderId, deliveryCount, placedAtIsDate: order.placedAt instanceof Date });
  }

  @MessagePattern('orders.total')
  total(@Payload() orderIds: string[]): number {
    return orderIds.reduce((sum, id) => sum + (this.totals.get(id) ?? 0), 0);
  }

  @MessagePattern('orders.track')
  track(@Payload() orderId: string): Observable<string> {
    return interval(10).pipe(take(3), map((step) => `${orderId}: ${['packed', 'shipped', 'delivered'][step]}`));
  }

  @MessagePattern('orders.reserve')
  @UseFilters(new OutOfStockFilter())
  reserve(@Payload() sku: string): never {
    throw new OutOfStock(`${sku} is out of stock`);
  }
}
// #endregion controller

@Module({ controllers: [BillingController] })
class BillingModule {}

// #region client
@Injectable()
class Shop {
  constructor(@Inject('BILLING') private readonly billing: ClientProxy) {}

  place(order: OrderPlaced): Promise<string> {
    return lastValueFrom(this.billing.emit<string>('orders.placed', order)); // the entry id, once Redis has it
  }

  total(orderIds: string[]): Promise<number> {
    return firstValueFrom(this.billing.send<number>('orders.total', orderIds).pipe(timeout(5000)));
  }

  track(orderId: string): Promise<string[]> {
    return lastValueFrom(this.billing.send<string>('orders.track', orderId).pipe(toArray(), timeout(5000)));
  }

  reserve(sku: string): Promise<void> {
    return firstValueFrom(this.billing.send<void>('orders.reserve', sku)); // rejects with { code: 'OUT_OF_STOCK', message }
  }
}
// #endregion client

/** What the run did, for the example's spec. */
export interface NestjsOrdersSummary {
  billed: number;
  datesRestored: number;
  /** The delivery on which o3 was billed (its first failed). */
  o3BilledOnDelivery: number | undefined;
  total: number;
  tracking: string[];
  reserveError: unknown;
  /** Deliveries of billing's group still pending after `app.close()`. */
  pending: number;
  errors: number;
}

const ORDERS = 5;

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<NestjsOrdersSummary> {
  const log = env.log ?? console.log;
  const errors: unknown[] = [];
  const connection = {
    ...(env.redisUrl ? { redis: env.redisUrl } : { broker: new MemoryBroker() }),
    prefix: `example:${Date.now()}:`,
    onError: (error: unknown) => void errors.push(error),
  };
  // #region bootstrap
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BillingModule, {
    strategy: new RxRedisEventsServer({ group: 'billing', ...connection, retry: { delays: [100] } }),
    logger: false,
  });
  await app.listen();

  @Module({
    imports: [ClientsModule.register([{ name: 'BILLING', customClass: RxRedisEventsClient, options: connection }])],
    providers: [Shop],
  })
  class ShopModule {}
  const shopApp = await NestFactory.createApplicationContext(ShopModule, { logger: false });
  // #endregion bootstrap
  try {
    const shop = shopApp.get(Shop);
    const handled = firstValueFrom(billed.pipe(take(ORDERS), toArray(), timeout(10_000)));
    for (let n = 1; n <= ORDERS; n++) await shop.place({ orderId: `o${n}`, cents: n * 100, placedAt: new Date() });
    const bills = await handled;
    const total = await shop.total(['o1', 'o2', 'o3']);
    const tracking = await shop.track('o2');
    const reserveError = await shop.reserve('tea').then(() => undefined, (error: unknown) => error);

    log(`backend:  ${env.redisUrl ? `redis (${env.redisUrl})` : 'memory'}`);
    log(`billed:   ${bills.map((b) => `${b.orderId}#${b.deliveryCount}`).join(' ')}`);
    log(`total:    o1 + o2 + o3 = ${total} cents`);
    log(`tracking: ${tracking.join(', ')}`);
    log(`reserve:  ${JSON.stringify(reserveError)}`);

    await app.close(); // drains: handlers in flight finish, acks are flushed
    await shopApp.close();
    const inspector = createEventService({ group: 'inspector', ...connection });
    const described = await inspector.describe(eventStream('orders.placed'));
    await inspector.close();
    const pending = described.groups.find((group) => group.name === 'billing')?.pending ?? -1;
    log(`pending:  ${pending} after app.close()`);
    return {
      billed: bills.length,
      datesRestored: bills.filter((b) => b.placedAtIsDate).length,
      o3BilledOnDelivery: bills.find((b) => b.orderId === 'o3')?.deliveryCount,
      total,
      tracking,
      reserveError,
      pending,
      errors: errors.length,
    };
  } finally {
    await Promise.allSettled([app.close(), shopApp.close()]);
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
