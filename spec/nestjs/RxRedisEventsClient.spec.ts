import 'reflect-metadata';
import { Controller, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { broadcastStream, EncodeError, eventStream } from 'rx-redis-events';
import { ClientClosedError, RxRedisEventsClient } from 'rx-redis-events/nestjs';
import { sleep } from '../support/eventually';
import { Recorder, useNestApps, type Backend } from './nestApps';

describe.each(['memory', 'redis'] as Backend[])('RxRedisEventsClient (%s)', (backend) => {
  const nest = useNestApps(backend);

  it('emit - an event is the plain value on the stream; send appends a request envelope with its reply channel', async () => {
    const inspector = nest.service('inspector');
    const client = nest.client({ consumer: 'shop-1' });
    const events = firstValueFrom(inspector.consume(eventStream('orders.placed'), { from: 'start' }).pipe(tap((delivery) => void delivery.ack()), take(2), toArray()));
    await lastValueFrom(client.emit('orders.placed', { orderId: 'o1' }));
    const request = client.send('orders.placed', { orderId: 'o2' }).subscribe({ error: () => undefined });
    const [event, envelope] = await events;
    request.unsubscribe();
    expect(event?.value).toEqual({ orderId: 'o1' });
    expect(envelope?.value).toEqual({ $request: { id: expect.any(String) as string, replyTo: 'nestjs.replies.shop-1' }, data: { orderId: 'o2' } });
  });

  it('emit - a value that cannot be encoded fails the emit with EncodeError and writes nothing', async () => {
    const client = nest.client();
    const refused = await lastValueFrom(client.emit('orders.placed', { run: () => 1 })).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(EncodeError);
    expect((await nest.service().describe(eventStream('orders.placed'))).length).toBe(0);
  });

  it('send - to a broadcast pattern fails with a TypeError naming it', async () => {
    const client = nest.client({ broadcasts: [broadcastStream('prices.changed')] });
    await expect(firstValueFrom(client.send('prices.changed', 1))).rejects.toThrow(
      new TypeError('rx-redis-events/nestjs: cannot send a request to "prices.changed": "prices.changed" is a broadcast stream (use emit)'),
    );
  });

  it('close - a request waiting for its answer fails with ClientClosedError', async () => {
    const client = nest.client();
    const waiting = firstValueFrom(client.send('nobody.answers', 1)).then(() => undefined, (error: unknown) => error);
    await sleep(100);
    await client.close();
    const error = await waiting;
    expect(error).toBeInstanceOf(ClientClosedError);
    expect((error as ClientClosedError).pattern).toBe('nobody.answers');
  });

  it('options - definitions of the wrong kind are refused with a TypeError', () => {
    expect(() => new RxRedisEventsClient({ streams: [broadcastStream('x') as never] })).toThrow(
      new TypeError('rx-redis-events/nestjs: RxRedisEventsClient option streams must hold eventStream definitions, got {"kind":"broadcastStream","name":"x"}'),
    );
  });

  it('ClientsModule.register({ customClass }) - an injected client emits to and requests from a micro-service', async () => {
    const placed = new Recorder<string>();
    @Controller()
    class BillingController {
      @EventPattern('orders.placed')
      billed(@Payload() order: { orderId: string }) {
        placed.record(order.orderId);
      }

      @MessagePattern('orders.count')
      count() {
        return placed.all.length;
      }
    }
    @Module({ controllers: [BillingController] })
    class BillingModule {}
    await nest.start(BillingModule, { group: 'billing' });

    const options = nest.connection();
    @Injectable()
    class Shop {
      constructor(@Inject('BILLING') readonly billing: ClientProxy) {}
    }
    @Module({ imports: [ClientsModule.register([{ name: 'BILLING', customClass: RxRedisEventsClient, options }])], providers: [Shop] })
    class ShopModule {}
    const shop = await NestFactory.createApplicationContext(ShopModule, { logger: false });
    try {
      const { billing } = shop.get(Shop);
      expect(billing).toBeInstanceOf(RxRedisEventsClient);
      const handled = placed.next(2);
      await lastValueFrom(billing.emit('orders.placed', { orderId: 'o1' }));
      await lastValueFrom(billing.emit('orders.placed', { orderId: 'o2' }));
      expect(await handled).toEqual(['o1', 'o2']);
      expect(await firstValueFrom(billing.send('orders.count', {}))).toBe(2);
    } finally {
      await shop.close();
    }
  });
});
