import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { asyncScheduler, catchError, defer, EMPTY, firstValueFrom, from, map, mergeMap, race, Subject, takeUntil, throwError, timer, type Observable } from 'rxjs';
import {
  ackAfter,
  createEventService,
  DEFAULT_EVENT_SERVICE_OPTIONS,
  type ConsumeOptions,
  type EventService,
  type EventServiceOptions,
  type RetryConfig,
} from '../../index';
import { PatternDefinitions, type PatternDefinitionsOptions } from './patternDefinitions';
import { answerRequest } from './answerRequest';
import { isRequestEnvelope, REQUEST_FIELD } from './requestEnvelope';
import { RxRedisEventsContext } from './RxRedisEventsContext';
import { trackSettled, type TrackedDelivery } from './trackSettled';

/** Options of {@link RxRedisEventsServer}: those of the `EventService` it creates (`group` is the micro-service's name), and how handlers consume. */
export interface RxRedisEventsServerOptions extends EventServiceOptions, PatternDefinitionsOptions {
  /**
   * Consume options of every `@EventPattern` / `@MessagePattern` stream. Defaults as for
   * `EventService.consume`, except `from: 'start'` (a group created by the first instance reads what was
   * sent before it came up) and `maxInFlight: concurrency` (only what is being handled is held, so
   * `app.close()` drains quickly and instances share the work).
   */
  readonly consume?: ConsumeOptions;
  /** Delay of the nack after a handler failure, by delivery count, as for `ackAfter`. Default `DEFAULT_RETRY`. */
  readonly retry?: RetryConfig;
  /** Most handlers of one stream running at once. Default 1 (one at a time, in order). */
  readonly concurrency?: number;
}

/** What {@link RxRedisEventsServer.on} and `RxRedisEventsClient.on` can listen to. */
export interface RxRedisEventsTransportEvents {
  /** A problem that does not stop consumption (as the service's `onError`), or a failed handler pipeline. */
  error: (error: unknown) => void;
}

/**
 * A NestJS transport on persistent event streams: `@EventPattern('<stream>')` handlers consume the
 * stream as the micro-service's group (load-balanced over its instances), acked when they succeed
 * and nacked with the retry policy when they fail (dead letters after `maxDeliveries`);
 * `@MessagePattern('<stream>')` handlers answer `RxRedisEventsClient.send` requests; a pattern
 * naming a broadcast stream is listened to (live only, nothing acked). `app.close()` drains: the
 * handlers in flight finish and their acks are flushed (at most `closeTimeoutMs`).
 *
 * ## Example
 * ```ts
 * import { NestFactory } from '@nestjs/core';
 * import { RxRedisEventsServer } from 'rx-redis-events/nestjs';
 *
 * const app = await NestFactory.createMicroservice(OrdersModule, {
 *   strategy: new RxRedisEventsServer({ group: 'billing', redis: process.env.REDIS_URL }),
 * });
 * await app.listen();
 * ```
 */
export class RxRedisEventsServer extends Server implements CustomTransportStrategy {
  private service: EventService | undefined;
  private readonly definitions: PatternDefinitions;
  private readonly concurrency: number;
  private readonly stop$ = new Subject<void>();
  private readonly running = new Set<Promise<void>>();
  private readonly errorListeners: ((error: unknown) => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RxRedisEventsServerOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw new TypeError('rx-redis-events/nestjs: RxRedisEventsServer needs an options object with at least { group }');
    const concurrency = (this.concurrency = options.concurrency ?? 1);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`rx-redis-events/nestjs: RxRedisEventsServer option concurrency must be an integer >= 1, got ${String(concurrency)}`);
    // validates the retry policy now rather than at listen()
    ackAfter(() => undefined, { concurrency, ...(options.retry ? { retry: options.retry } : {}) });
    this.definitions = new PatternDefinitions(options, 'RxRedisEventsServer');
  }

  /** Creates the service and starts consuming for every handler; `callback` gets an error when the options or a pattern are invalid. */
  listen(callback: (error?: unknown) => void): void {
    try {
      const { consume: _consume, retry: _retry, concurrency: _concurrency, streams: _streams, broadcasts: _broadcasts, ...serviceOptions } = this.options;
      const service = (this.service = createEventService({ ...serviceOptions, onError: (error) => this.report(error) }));
      const ready = [...this.getHandlers()].map(([pattern, handler]) => this.serve(service, pattern, handler));
      Promise.all(ready).then(() => {
        this._status$?.next('connected');
        callback();
      }, callback);
    } catch (error) {
      callback(error);
    }
  }

  /** Stops reading, lets the handlers in flight finish and answer (at most `closeTimeoutMs`), then closes the service (acks flushed). */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Listens to `'error'`: problems that do not stop consumption (what the service reports to `onError`). */
  on(event: 'error', callback: RxRedisEventsTransportEvents['error']): this;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the signature of NestJS's own `on`
  on(event: string, callback: Function): this;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  on(event: string, callback: Function): this {
    if (event !== 'error') throw new TypeError(`rx-redis-events/nestjs: RxRedisEventsServer has no event ${JSON.stringify(event)} (only 'error')`);
    this.errorListeners.push(callback as RxRedisEventsTransportEvents['error']);
    return this;
  }

  /** The `EventService` of this micro-service instance (to produce, describe or read dead letters), once listening. */
  unwrap<T = EventService>(): T {
    if (!this.service) throw new Error('rx-redis-events/nestjs: RxRedisEventsServer is not listening yet; call app.listen() first');
    return this.service as T;
  }

  private serve(service: EventService, pattern: string, handler: MessageHandler): Promise<void> {
    const target = this.definitions.resolve(pattern);
    if (target.kind === 'broadcastStream') {
      const context = new RxRedisEventsContext([pattern, undefined]);
      const handled = (value: unknown) => this.invoke(handler, value, context).pipe(catchError((error: unknown) => (this.report(error), EMPTY)));
      this.track(service.listen(target.broadcast).pipe(takeUntil(this.stop$), mergeMap(handled)));
      return service.listening(target.broadcast);
    }
    const consume: ConsumeOptions = { from: 'start', maxInFlight: this.concurrency, ...this.options.consume };
    const settle = ackAfter((tracked: TrackedDelivery<unknown>) => this.handle(service, pattern, handler, tracked), {
      concurrency: this.concurrency,
      ...(this.options.retry ? { retry: this.options.retry } : {}),
    });
    this.track(service.consume(target.stream, consume).pipe(takeUntil(this.stop$), map(trackSettled), settle));
    return Promise.resolve();
  }

  /** Runs the handler for one delivery; a request is answered on its client's reply channel (and then counts as handled). */
  private handle(service: EventService, pattern: string, handler: MessageHandler, tracked: TrackedDelivery<unknown>): Observable<unknown> {
    const { value } = tracked.delivery;
    const context = new RxRedisEventsContext([pattern, tracked.delivery]);
    // what NestJS's exception filters make of an error is usually a plain object: kept readable in the dead letters
    if (!isRequestEnvelope(value)) return this.invoke(handler, value, context).pipe(catchError((error: unknown) => throwError(() => asError(error))));
    return answerRequest(service, value[REQUEST_FIELD], this.invoke(handler, value.data, context));
  }

  /** Calls a handler through NestJS's context (guards, interceptors, pipes, filters); its value, Promise or Observable as an Observable. */
  private invoke(handler: MessageHandler, data: unknown, context: RxRedisEventsContext): Observable<unknown> {
    return defer(() => this.transformToObservable(handler(data, context)));
  }

  private track(pipeline: Observable<unknown>): void {
    const done = new Promise<void>((resolve) => {
      pipeline.subscribe({ complete: resolve, error: (error: unknown) => (this.report(error), resolve()) });
    });
    this.running.add(done);
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else this.logger.error(error);
    for (const listener of this.errorListeners) {
      try {
        listener(error);
      } catch (thrown) {
        this.logger.error(thrown);
      }
    }
  }

  private async shutDown(): Promise<void> {
    this.stop$.next();
    this.stop$.complete();
    const service = this.service;
    if (!service) return;
    const closeTimeoutMs = this.options.closeTimeoutMs ?? DEFAULT_EVENT_SERVICE_OPTIONS.closeTimeoutMs;
    await firstValueFrom(race(from(Promise.all(this.running)), timer(closeTimeoutMs, this.options.scheduler ?? asyncScheduler)));
    await service.close();
    this._status$?.next('disconnected');
  }
}

/** An RPC error (such as `{ status: 'error', message }`) as an `Error` whose message shows it. */
function asError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) return error;
  try {
    return new Error(JSON.stringify(error), { cause: error });
  } catch {
    return error;
  }
}
