import { RxRedisEventsError } from './RxRedisEventsError';

/** `moveGroup` or `removeGroup` named a group that no partition of the stream has. Not retriable. */
export class GroupNotFoundError extends RxRedisEventsError {
  /** The stream's name. */
  readonly stream: string;
  /** The group that was asked for. */
  readonly group: string;

  constructor(operation: string, stream: string, group: string) {
    super(`${operation}: stream "${stream}" has no group "${group}"`);
    this.stream = stream;
    this.group = group;
  }
}
