import { Observable } from 'rxjs';
import { listenSignal, type ListenOptions } from '../broadcast/listenOptions';
import { encodeValue } from '../codec/entryCodec';
import type { BroadcastStream } from '../definitions/broadcastStream';
import { ServiceClosedError } from '../errors/ServiceClosedError';
import { untilAborted } from '../internal/abortSignal';
import { channelOf } from '../partitions/streamLayout';
import { isPromiseLike } from '../validation/checkValue';
import { outputsToWrite } from '../validation/validateCall';
import { assertDefinition } from './assertDefinition';
import { EventServiceScheduling } from './EventServiceScheduling';

/**
 * The broadcast streams of an `EventService`: listening to them (one broker subscription per channel,
 * shared inside the instance) and publishing to every live listener.
 */
export abstract class EventServiceBroadcast extends EventServiceScheduling {
  /**
   * **Hot**, shared inside this instance: however many subscribers, one broker subscription per
   * channel, dropped when the last subscriber unsubscribes. Only messages published while the
   * subscription is active arrive. Completes when the service closes, or when `options.signal` aborts.
   */
  listen<T>(broadcast: BroadcastStream<T>, options: ListenOptions = {}): Observable<T> {
    assertDefinition(broadcast, 'broadcastStream', 'listen');
    const signal = listenSignal(options);
    if (!this.isOpen) return untilAborted(new Observable<T>((subscriber) => subscriber.error(new ServiceClosedError('listen', this.group))), signal);
    return untilAborted(this.hub.listen(broadcast), signal);
  }

  /** Resolves once the broker subscription behind `listen(broadcast)` is active (a message published after that arrives). */
  listening(broadcast: BroadcastStream<unknown>): Promise<void> {
    assertDefinition(broadcast, 'broadcastStream', 'listening');
    if (!this.isOpen) return Promise.reject(new ServiceClosedError('listening', this.group));
    return this.hub.listening(broadcast);
  }

  /**
   * Publishes a message to every live listener of the broadcast stream, in every service; a message
   * over `maxMessageBytes` is refused with `MessageTooLargeError`. With a schema, the message is
   * validated first (a `ValidationError` otherwise, nothing published) and its output is published.
   */
  async broadcast<T>(broadcast: BroadcastStream<T>, message: NoInfer<T>): Promise<void> {
    this.assertOpen('broadcast');
    assertDefinition(broadcast, 'broadcastStream', 'broadcast');
    const checked = outputsToWrite(broadcast, [message], 'broadcast');
    const [value] = isPromiseLike(checked) ? await checked : checked;
    await this.transports.pubsub.publish(channelOf(this.options.prefix, broadcast), encodeValue(broadcast.name, value, this.options.maxMessageBytes, broadcast.codec, 'broadcast'));
  }
}
