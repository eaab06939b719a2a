import { Subscription, timer, type Subscriber } from 'rxjs';
import { decodeEntry } from '../codec/entryCodec';
import type { EventStream } from '../definitions/eventStream';
import { idTime } from '../internal/streamId';
import type { ReadEntry, StoredEntry, StreamReader, StreamTransport } from '../transport/StreamTransport';
import type { ResolvedConsumeOptions } from './consumeOptions';
import { createDelivery, type Delivery, type DeliverySettler } from './Delivery';

/** What a consumer loop needs from its service. */
export interface ConsumerContext {
  readonly transport: StreamTransport;
  /** Acknowledges one entry of the stream stored under `key` for the group (coalesced). */
  readonly ack: (key: string, id: string) => Promise<void>;
  readonly group: string;
  readonly report: (error: unknown) => void;
}

/** Where the loop reads and who it is. */
export interface ConsumerTarget<T> {
  readonly stream: EventStream<T>;
  readonly key: string;
  readonly consumer: string;
}

const MAX_RETRY_PAUSE_MS = 5000;

/**
 * One consumer of a group: reads only as many entries as `maxInFlight` leaves room for, blocking on
 * the broker; redelivers its nacked entries after their delay; takes over entries other consumers
 * left idle. Deliveries it emitted stay valid after `stop()`: their acks still reach the broker.
 */
export class ConsumerLoop<T> implements DeliverySettler {
  /** Ids emitted and not acked: `open` (with the handler) or `nacked` (waiting for redelivery). */
  private readonly held = new Map<string, 'open' | 'nacked'>();
  private due: { id: string; deliveryCount: number }[] = [];
  private readonly timers = new Subscription();
  private reader: StreamReader | undefined;
  private wake: (() => void) | undefined;
  private claimDue = false;
  private stopped = false;
  private settledWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly options: ResolvedConsumeOptions,
    private readonly subscriber: Subscriber<Delivery<T>>,
  ) {}

  /** Starts reading; failures of the broker are reported and retried, never thrown. */
  start(): void {
    this.run().catch((error: unknown) => this.subscriber.error(error));
  }

  /** Stops reading and cancels timers; nacked entries stay pending on the broker. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timers.unsubscribe();
    this.reader?.close();
    for (const [id, state] of this.held) if (state === 'nacked') this.held.delete(id);
    this.due = [];
    this.kick();
    this.checkSettled();
  }

  /** Resolves once every emitted delivery has been acked or nacked. */
  whenSettled(): Promise<void> {
    return new Promise((resolve) => {
      this.settledWaiters.push(resolve);
      this.checkSettled();
    });
  }

  ack(id: string): Promise<void> {
    this.held.delete(id);
    this.kick(false);
    this.checkSettled();
    return this.ctx.ack(this.target.key, id);
  }

  nack(id: string, deliveryCount: number, delayMs: number): Promise<void> {
    if (this.stopped || !this.held.has(id)) {
      this.held.delete(id);
    } else {
      this.held.set(id, 'nacked');
      this.timers.add(
        timer(delayMs, this.options.scheduler).subscribe(() => {
          this.due.push({ id, deliveryCount });
          this.kick();
        }),
      );
    }
    this.checkSettled();
    return Promise.resolve();
  }

  private async run(): Promise<void> {
    const { transport } = this.ctx;
    const { key, consumer } = this.target;
    await this.retrying(() => transport.ensureGroup(key, this.ctx.group, this.options.from));
    if (this.stopped) return;
    this.reader = transport.openReader(key, this.ctx.group, consumer);
    await this.retrying(async () => this.emit(await transport.claimIdle(key, this.ctx.group, consumer, { minIdleMs: 0, count: this.room(), owner: 'self' })));
    const { claimIdleAfterMs, scheduler } = this.options;
    if (Number.isFinite(claimIdleAfterMs)) {
      const period = Math.max(claimIdleAfterMs / 2, 50);
      this.timers.add(timer(0, period, scheduler).subscribe(() => ((this.claimDue = true), this.kick())));
    }
    while (!this.stopped) await this.retrying(() => this.step());
  }

  private async step(): Promise<void> {
    const { transport } = this.ctx;
    const { key, consumer } = this.target;
    if (this.due.length > 0) {
      const due = this.due;
      this.due = [];
      const counts = new Map(due.map((item) => [item.id, item.deliveryCount]));
      const entries = await transport.claimIds(key, this.ctx.group, consumer, [...counts.keys()]);
      for (const id of counts.keys()) if (!entries.some((entry) => entry.id === id)) this.held.delete(id);
      this.emit(entries.map((entry: StoredEntry) => ({ ...entry, deliveryCount: (counts.get(entry.id) ?? 0) + 1 })));
      return;
    }
    const room = this.room();
    if (room <= 0) return this.sleep(Infinity);
    if (this.claimDue) {
      this.claimDue = false;
      const request = { minIdleMs: this.options.claimIdleAfterMs, count: room, owner: 'others' as const };
      return this.emit(await transport.claimIdle(key, this.ctx.group, consumer, request));
    }
    this.emit(await (this.reader as StreamReader).read(room, this.options.blockMs));
  }

  private emit(entries: readonly ReadEntry[]): void {
    const { stream } = this.target;
    for (const entry of entries) {
      if (this.stopped) return;
      let decoded: { value: T; key: string | undefined };
      try {
        decoded = decodeEntry<T>(stream.name, entry.id, entry.fields);
      } catch (error) {
        this.held.delete(entry.id);
        this.ctx.report(error); // left pending on the broker, never acked
        continue;
      }
      this.held.set(entry.id, 'open');
      const init = { id: entry.id, stream: stream.name, deliveryCount: entry.deliveryCount, producedAt: idTime(entry.id), ...decoded };
      this.subscriber.next(createDelivery(init, this));
    }
  }

  /** Runs `work`, reporting a failure and retrying after a growing pause until it succeeds or the loop stops. */
  private async retrying(work: () => Promise<void>): Promise<void> {
    for (let failures = 0; !this.stopped; failures++) {
      try {
        return await work();
      } catch (error) {
        if (this.stopped) return;
        this.ctx.report(error);
        await this.sleep(Math.min(100 * 2 ** failures, MAX_RETRY_PAUSE_MS));
        await this.ctx.transport.ensureGroup(this.target.key, this.ctx.group, this.options.from).catch(() => undefined);
      }
    }
  }

  private room(): number {
    return this.options.maxInFlight - this.held.size;
  }

  /** Waits for `ms` (through the scheduler) or until something wakes the loop. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pause = Number.isFinite(ms) ? timer(ms, this.options.scheduler).subscribe(() => this.kick(false)) : undefined;
      this.wake = () => {
        pause?.unsubscribe();
        resolve();
      };
    });
  }

  /** Wakes a sleeping loop and, unless told otherwise, ends a blocked read so new work is seen at once. */
  private kick(interruptRead = true): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    if (interruptRead) this.reader?.interrupt();
  }

  private checkSettled(): void {
    if (this.settledWaiters.length === 0 || [...this.held.values()].includes('open')) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
