import { RxRedisEventsError } from './RxRedisEventsError';

/** A method was called on an `EventService` after `close()`. Not retriable: create a new service. */
export class ServiceClosedError extends RxRedisEventsError {
  /** The method that was called, such as `produce`. */
  readonly method: string;

  constructor(method: string, group: string) {
    super(`${method}() called on the EventService of group "${group}" after close(); create a new service`);
    this.method = method;
  }
}
