import 'reflect-metadata';
import { Controller, Injectable, Module, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Catch, UseFilters, type RpcExceptionFilter } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { firstValueFrom, interval, lastValueFrom, map, take, throwError, timeout, timer, toArray, type Observable } from 'rxjs';
import { broadcastStream, eventStream, type EventService } from 'rx-redis-events';
import { RxRedisEventsContext, RxRedisEventsServer, type RxRedisEventsServerOptions } from 'rx-redis-events/nestjs';
import { sleep } from '../support/eventually';
import { pendingOf, Recorder, useNestApps, type Backend } from './nestApps';

interface Order {
  orderId: string;
  placedAt: Date;
}
interface Handled {
  orderId: string;
  deliveryCount: number;
  instance: string;
}

const order = (n: number): Order => ({ orderId: `o${n}`, placedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)) });

/** A module with one event handler on `orders.placed` that records what it got, behaving as `behave` says. */
function ordersModule(instance: string, handled: Recorder<Handled>, behave: (order: Order, context: RxRedisEventsContext) => unknown = () => undefined) {
  @Controller()
  class OrdersController {
    @EventPattern('orders.placed')
    placed(@Payload() placed: Order, @Ctx() context: RxRedisEventsContext) {
      const delivery = context.getDelivery();
      handled.record({ orderId: placed.orderId, deliveryCount: delivery.deliveryCount, instance });
      if (!(placed.placedAt instanceof Date)) throw new TypeError('placedAt is not a Date');
      return behave(placed, context);
    }
  }
  @Module({ controllers: [OrdersController] })
  class OrdersModule {}
  return OrdersModule;
}

describe.each(['memory', 'redis'] as Backend[])('RxRedisEventsServer (%s)', (backend) => {
  const nest = useNestApps(backend);

  it('events - each handled once with its Dates restored, acked: nothing pending after close', async () => {
    const handled = new Recorder<Handled>();
    const app = await nest.start(ordersModule('a', handled), { group: 'billing' });
    const client = nest.client();
    const seen = handled.next(3);
    const ids = await Promise.all([1, 2, 3].map((n) => lastValueFrom(client.emit<string>('orders.placed', order(n)))));
    expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);
    expect((await seen).map((h) => [h.orderId, h.deliveryCount])).toEqual([['o1', 1], ['o2', 1], ['o3', 1]]);
    await app.close();
    nest.closed(app);
    expect(await pendingOf(nest.service(), 'orders.placed', 'billing')).toBe(0);
    expect(handled.all).toHaveLength(3);
  });

  it('events - a handler failing twice then succeeding: deliveries 1, 2, 3, then nothing pending and no dead letter', async () => {
    const handled = new Recorder<Handled>();
    const fail = (_: Order, context: RxRedisEventsContext) => {
      if (context.getDelivery().deliveryCount < 3) throw new Error('flaky');
    };
    const app = await nest.start(ordersModule('a', handled, fail), { group: 'billing', retry: { delays: [20] } });
    const seen = handled.next(3);
    await lastValueFrom(nest.client().emit('orders.placed', order(1)));
    expect((await seen).map((h) => h.deliveryCount)).toEqual([1, 2, 3]);
    await sleep(300);
    await app.close();
    nest.closed(app);
    const inspector = nest.service();
    expect(handled.all).toHaveLength(3);
    expect(await pendingOf(inspector, 'orders.placed', 'billing')).toBe(0);
    expect(await inspector.deadLetters(eventStream('orders.placed'))).toEqual([]);
  });

  it('events - a poison event is in the dead letters after maxDeliveries, with the error NestJS made of it', async () => {
    const handled = new Recorder<Handled>();
    const poison = () => {
      throw new RpcException('cannot bill o1');
    };
    const app = await nest.start(ordersModule('a', handled, poison), { group: 'billing', retry: { delays: [10] }, consume: { maxDeliveries: 3 } });
    const seen = handled.next(3);
    await lastValueFrom(nest.client().emit('orders.placed', order(1)));
    expect((await seen).map((h) => h.deliveryCount)).toEqual([1, 2, 3]);
    await sleep(300);
    await app.close();
    nest.closed(app);
    const inspector = nest.service();
    const dead = await inspector.deadLetters(eventStream<Order>('orders.placed'));
    expect(dead.map(({ group, reason, deliveryCount, value }) => ({ group, reason, deliveryCount, orderId: value?.orderId }))).toEqual([
      { group: 'billing', reason: 'max-deliveries', deliveryCount: 3, orderId: 'o1' },
    ]);
    expect(dead[0]?.error).toBe('{"status":"error","message":"cannot bill o1"}');
    expect(handled.all).toHaveLength(3);
    expect(await pendingOf(inspector, 'orders.placed', 'billing')).toBe(0);
  });

  it('events - two instances of billing share the events (each once), audit gets all of them', async () => {
    const billing = new Recorder<Handled>();
    const audit = new Recorder<Handled>();
    const slow = () => timer(5);
    await nest.start(ordersModule('billing-1', billing, slow), { group: 'billing', consumer: 'billing-1' });
    await nest.start(ordersModule('billing-2', billing, slow), { group: 'billing', consumer: 'billing-2' });
    await nest.start(ordersModule('audit-1', audit), { group: 'audit' });
    const billed = billing.next(40);
    const audited = audit.next(40);
    const client = nest.client();
    for (let n = 0; n < 40; n++) await lastValueFrom(client.emit('orders.placed', order(n)));
    const [b, a] = await Promise.all([billed, audited]);
    expect(new Set(b.map((h) => h.orderId)).size).toBe(40);
    expect(new Set(a.map((h) => h.orderId)).size).toBe(40);
    expect(b.filter((h) => h.instance === 'billing-1').length).toBeGreaterThan(0);
    expect(b.filter((h) => h.instance === 'billing-2').length).toBeGreaterThan(0);
    await sleep(200);
    expect([billing.all.length, audit.all.length]).toEqual([40, 40]);
  });

  it('events - a handler that settles its delivery itself is left alone by the transport', async () => {
    const handled = new Recorder<Handled>();
    const settleThenThrow = async (_: Order, context: RxRedisEventsContext) => {
      await context.getDelivery().ack();
      throw new Error('after the ack');
    };
    const app = await nest.start(ordersModule('a', handled, settleThenThrow), { group: 'billing', retry: { delays: [10] } });
    const seen = handled.next(1);
    await lastValueFrom(nest.client().emit('orders.placed', order(1)));
    await seen;
    await sleep(300);
    await app.close();
    nest.closed(app);
    expect(handled.all.map((h) => h.deliveryCount)).toEqual([1]);
    expect(await pendingOf(nest.service(), 'orders.placed', 'billing')).toBe(0);
  });

  it('events - app.close() with a handler in flight waits for it and acks it', async () => {
    const handled = new Recorder<Handled>();
    const finished: string[] = [];
    const slow = (placed: Order) => timer(400).pipe(map(() => finished.push(placed.orderId)));
    const app = await nest.start(ordersModule('a', handled, slow), { group: 'billing' });
    const seen = handled.next(1);
    await lastValueFrom(nest.client().emit('orders.placed', order(1)));
    await seen;
    await app.close();
    nest.closed(app);
    expect(finished).toEqual(['o1']);
    expect(await pendingOf(nest.service(), 'orders.placed', 'billing')).toBe(0);
  });

  describe('requests', () => {
    class OutOfStock extends Error {}

    @Catch(OutOfStock)
    class OutOfStockFilter implements RpcExceptionFilter<OutOfStock> {
      catch(exception: OutOfStock): Observable<never> {
        return throwError(() => ({ code: 'OUT_OF_STOCK', message: exception.message }));
      }
    }

    @Injectable()
    class Envelope implements NestInterceptor {
      static calls = 0;
      intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
        Envelope.calls++;
        return next.handle().pipe(map((value: unknown) => ({ value })));
      }
    }

    const answered = new Recorder<string>();
    const slowStarted = new Recorder<number>();

    @Controller()
    class StockController {
      @MessagePattern('stock.total')
      total(@Payload() items: { quantity: number; at: Date }[]) {
        answered.record('total');
        return { total: items.reduce((sum, item) => sum + item.quantity, 0), latest: items[items.length - 1]?.at };
      }

      @MessagePattern('stock.countdown')
      countdown(@Payload() from: number): Observable<number> {
        return interval(10).pipe(take(from), map((n) => from - n));
      }

      @MessagePattern('stock.reserve')
      @UseFilters(new OutOfStockFilter())
      reserve(@Payload() sku: string) {
        if (sku === 'sold-out') throw new OutOfStock(`${sku} is out of stock`);
        if (sku === 'broken') throw new Error('a bug');
        throw new RpcException({ code: 'UNKNOWN_SKU', sku });
      }

      @MessagePattern('stock.unencodable')
      unencodable() {
        return { run: () => 1 };
      }

      @MessagePattern('stock.slow')
      async slow(@Payload() ms: number) {
        slowStarted.record(ms);
        await sleep(ms);
        answered.record('slow');
        return 'late';
      }

      @MessagePattern('stock.wrapped')
      @UseInterceptors(Envelope)
      async wrapped(@Payload() value: string, @Ctx() context: RxRedisEventsContext) {
        return Promise.resolve(`${value} on ${context.getPattern()} (delivery ${context.getDelivery().deliveryCount})`);
      }
    }

    @Module({ controllers: [StockController], providers: [Envelope] })
    class StockModule {}

    it('a value, with Dates restored both ways; the request is acked once answered', async () => {
      const app = await nest.start(StockModule, { group: 'stock' });
      const client = nest.client();
      const at = new Date('2026-12-01T10:00:00Z');
      const reply = await firstValueFrom(client.send<{ total: number; latest: Date }>('stock.total', [{ quantity: 2, at: new Date(0) }, { quantity: 3, at }]));
      expect(reply).toEqual({ total: 5, latest: at });
      expect(reply.latest).toBeInstanceOf(Date);
      await app.close();
      nest.closed(app);
      expect(await pendingOf(nest.service(), 'stock.total', 'stock')).toBe(0);
      expect(answered.all.filter((a) => a === 'total')).toHaveLength(1);
    });

    it('an Observable of several values, each a reply, in order', async () => {
      await nest.start(StockModule, { group: 'stock' });
      expect(await lastValueFrom(nest.client().send<number>('stock.countdown', 4).pipe(toArray()))).toEqual([4, 3, 2, 1]);
    });

    it('errors reach the client as NestJS RPC errors, through the exception filter', async () => {
      await nest.start(StockModule, { group: 'stock' });
      const client = nest.client();
      const failure = (sku: string) => firstValueFrom(client.send('stock.reserve', sku)).then(() => 'no error', (error: unknown) => error);
      expect(await failure('sold-out')).toEqual({ code: 'OUT_OF_STOCK', message: 'sold-out is out of stock' });
      expect(await failure('nope')).toEqual({ code: 'UNKNOWN_SKU', sku: 'nope' });
      expect(await failure('broken')).toEqual({ status: 'error', message: 'Internal server error' });
    });

    it('a reply that cannot be encoded ends the answer with an RPC error saying so; the request is acked', async () => {
      const app = await nest.start(StockModule, { group: 'stock' });
      const error = await firstValueFrom(nest.client().send('stock.unencodable', {})).then(() => 'no error', (failure: unknown) => failure);
      expect(error).toMatchObject({ status: 'error' });
      expect((error as { message: string }).message).toMatch(/^the reply cannot be sent: cannot encode the event for stream "nestjs\.replies\.[0-9a-f]{16}": value\.response\.run is a function; nothing was written$/);
      await app.close();
      nest.closed(app);
      expect(await pendingOf(nest.service(), 'stock.unencodable', 'stock')).toBe(0);
    });

    it('an interceptor maps the reply, and the handler sees its context', async () => {
      await nest.start(StockModule, { group: 'stock' });
      Envelope.calls = 0;
      expect(await firstValueFrom(nest.client().send('stock.wrapped', 'hello'))).toEqual({ value: 'hello on stock.wrapped (delivery 1)' });
      expect(Envelope.calls).toBe(1);
    });

    it("a client timeout (NestJS's timeout operator) fails the call; the late answer is dropped and the request still acked", async () => {
      const app = await nest.start(StockModule, { group: 'stock' });
      const client = nest.client();
      const slowDone = answered.next(1);
      await expect(firstValueFrom(client.send('stock.slow', 500).pipe(timeout(100)))).rejects.toMatchObject({ name: 'TimeoutError' });
      await slowDone;
      expect(await firstValueFrom(client.send('stock.total', [{ quantity: 1, at: new Date(0) }]))).toEqual({ total: 1, latest: new Date(0) });
      await app.close();
      nest.closed(app);
      expect(await pendingOf(nest.service(), 'stock.slow', 'stock')).toBe(0);
    });

    it('app.close() with a request in flight answers it before closing', async () => {
      const app = await nest.start(StockModule, { group: 'stock' });
      const client = nest.client();
      const started = slowStarted.next(1);
      const answer = answered.next(1);
      const reply = firstValueFrom(client.send('stock.slow', 300));
      await started;
      const closed = app.close();
      nest.closed(app);
      expect(await reply).toBe('late');
      await closed;
      expect(await answer).toEqual(['slow']);
      expect(await pendingOf(nest.service(), 'stock.slow', 'stock')).toBe(0);
    });
  });

  it('broadcasts - a pattern naming a broadcast stream reaches every live instance, with no delivery', async () => {
    const prices = broadcastStream<{ sku: string; cents: number }>('prices.changed');
    const heard = new Recorder<string>();
    const noDelivery: string[] = [];
    const pricesModule = (instance: string) => {
      @Controller()
      class PricesController {
        @EventPattern('prices.changed')
        changed(@Payload() price: { sku: string; cents: number }, @Ctx() context: RxRedisEventsContext) {
          heard.record(`${instance}:${price.sku}:${price.cents}`);
          try {
            context.getDelivery();
          } catch (error) {
            noDelivery.push((error as Error).name);
          }
        }
      }
      @Module({ controllers: [PricesController] })
      class PricesModule {}
      return PricesModule;
    };
    await nest.start(pricesModule('web-1'), { group: 'web', broadcasts: [prices] });
    await nest.start(pricesModule('web-2'), { group: 'web', broadcasts: { prices } });
    const both = heard.next(2);
    const client = nest.client({ broadcasts: [prices] });
    expect(await lastValueFrom(client.emit('prices.changed', { sku: 'tea', cents: 450 }))).toBeUndefined();
    expect((await both).sort()).toEqual(['web-1:tea:450', 'web-2:tea:450']);
    expect(noDelivery).toEqual(['TypeError', 'TypeError']);
    const inspector: EventService = nest.service();
    expect((await inspector.describe(eventStream('prices.changed'))).length).toBe(0);
  });

  it("broadcasts - a failing broadcast handler is reported to on('error') and onError; the next message is handled", async () => {
    const alerts = broadcastStream<string>('alerts');
    const heard = new Recorder<string>();
    @Controller()
    class AlertsController {
      @EventPattern('alerts')
      alert(@Payload() text: string) {
        if (text === 'bad') throw new RpcException('cannot show it');
        heard.record(text);
      }
    }
    @Module({ controllers: [AlertsController] })
    class AlertsModule {}
    const reported: unknown[] = [];
    const listened: unknown[] = [];
    const { server } = await nest.startServer(AlertsModule, { group: 'web', broadcasts: [alerts], onError: (error) => void reported.push(error) });
    const failed = new Promise<void>((resolve) => server.on('error', (error) => (listened.push(error), resolve())));
    const next = heard.next(1);
    const client = nest.client({ broadcasts: [alerts] });
    await lastValueFrom(client.emit('alerts', 'bad'));
    await failed;
    await lastValueFrom(client.emit('alerts', 'good'));
    expect(await next).toEqual(['good']);
    expect(reported).toEqual([{ status: 'error', message: 'cannot show it' }]);
    expect(listened).toEqual(reported);
  });

  it('options - a bad concurrency or retry policy is refused at construction, a missing group by listen()', async () => {
    expect(() => new RxRedisEventsServer({ group: 'g', concurrency: 0 })).toThrow(new RangeError('rx-redis-events/nestjs: RxRedisEventsServer option concurrency must be an integer >= 1, got 0'));
    expect(() => new RxRedisEventsServer({ group: 'g', retry: { delays: [] } })).toThrow(new RangeError('rx-redis-events: retry delays must be a non-empty array of milliseconds'));
    const refused = await new Promise((resolve) => new RxRedisEventsServer({} as RxRedisEventsServerOptions).listen(resolve));
    expect(refused).toEqual(new TypeError('rx-redis-events: createEventService option group must be a non-empty string, got undefined'));
  });

  it('listen - an object pattern is refused with a TypeError naming it', async () => {
    @Controller()
    class CommandController {
      @MessagePattern({ cmd: 'sum' })
      sum() {
        return 0;
      }
    }
    @Module({ controllers: [CommandController] })
    class CommandModule {}
    const refused = await nest.start(CommandModule, { group: 'commands' }).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError).message).toBe(
      'rx-redis-events/nestjs: the pattern "{\\"cmd\\":\\"sum\\"}" must be a stream name (rx-redis-events: eventStream name must not contain "{" or "}" (Redis Cluster hash tags), got "{\\"cmd\\":\\"sum\\"}")',
    );
  });
});
