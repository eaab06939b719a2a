import { Observable, share, type Subscriber } from 'rxjs';
import { decodeValue } from '../codec/entryCodec';
import { exceedsBytes, utf8Bytes } from '../codec/messageSize';
import { DecodeError } from '../errors/DecodeError';
import type { BroadcastStream } from '../definitions/broadcastStream';
import type { PubSubTransport } from '../transport/PubSubTransport';
import { RxRedisEventsError } from '../errors/RxRedisEventsError';
import type { StandardSchemaV1 } from '../validation/StandardSchema';
import { validateMessages } from '../validation/validateMessages';

interface Channel {
  readonly codec: BroadcastStream<unknown>['codec'];
  readonly shared: Observable<unknown>;
  /** The messages validated by each schema a definition of this channel has, shared as well. */
  readonly validated: WeakMap<StandardSchemaV1, Observable<unknown>>;
  subscriber?: Subscriber<unknown>;
  ready?: Promise<void>;
}

/**
 * The broadcast side of one service: one shared Observable per channel, so however many local
 * subscribers there are, the broker holds one subscription, dropped with the last subscriber.
 */
export class BroadcastHub {
  private readonly channels = new Map<string, Channel>();
  private closedBy: (() => Error) | undefined;

  constructor(
    private readonly pubsub: PubSubTransport,
    private readonly prefix: string,
    private readonly report: (error: unknown) => void,
    private readonly maxMessageBytes = Infinity,
  ) {}

  listen<T>(broadcast: BroadcastStream<T>): Observable<T> {
    let channel = this.channels.get(broadcast.name);
    if (!channel) {
      channel = this.createChannel(broadcast);
      this.channels.set(broadcast.name, channel);
    } else if (channel.codec !== broadcast.codec) {
      throw new TypeError(`rx-redis-events: broadcast "${broadcast.name}" is listened to with another codec already in this service; every definition of a channel needs the same codec`);
    }
    const { schema } = broadcast;
    if (!schema) return channel.shared as Observable<T>;
    let validated = channel.validated.get(schema);
    if (!validated) channel.validated.set(schema, (validated = channel.shared.pipe(validateMessages(schema, broadcast.name, this.report), share())));
    return validated as Observable<T>;
  }

  /** Resolves once the broker subscription of `broadcast` is active; rejects when nobody listens to it. */
  listening(broadcast: BroadcastStream<unknown>): Promise<void> {
    const ready = this.channels.get(broadcast.name)?.ready;
    if (this.closedBy) return Promise.reject(this.closedBy());
    if (ready) return ready;
    return Promise.reject(new RxRedisEventsError(`nobody listens to broadcast "${broadcast.name}" in this service; subscribe to listen() first`));
  }

  /** Names of the broadcast streams with an active broker subscription. */
  activeChannels(): string[] {
    return [...this.channels].filter(([, channel]) => channel.subscriber !== undefined).map(([name]) => name);
  }

  /** Completes every listener; from now on subscribing errors with `closedError()` (the service is closing). */
  completeAll(closedError: () => Error): void {
    this.closedBy = closedError;
    for (const channel of this.channels.values()) channel.subscriber?.complete();
  }

  private createChannel({ name, codec }: BroadcastStream<unknown>): Channel {
    const address = this.prefix + name;
    const channel: Channel = {
      codec,
      validated: new WeakMap(),
      shared: new Observable<unknown>((subscriber) => {
        if (this.closedBy) return subscriber.error(this.closedBy());
        channel.subscriber = subscriber;
        const ready = this.pubsub.subscribe(address, (payload) => {
          try {
            if (exceedsBytes(payload, this.maxMessageBytes)) {
              throw new DecodeError(name, '(broadcast)', `the message is ${utf8Bytes(payload)} bytes, more than maxMessageBytes (${this.maxMessageBytes}); dropped undecoded`);
            }
            subscriber.next(decodeValue(name, '(broadcast)', payload, codec));
          } catch (error) {
            this.report(error);
          }
        });
        channel.ready = ready;
        ready.catch((error: unknown) => subscriber.error(error));
        return () => {
          channel.subscriber = undefined;
          channel.ready = undefined;
          this.pubsub.unsubscribe(address).catch(this.report);
        };
      }).pipe(share()),
    };
    return channel;
  }
}
