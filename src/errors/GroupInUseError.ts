import { RxRedisEventsError } from './RxRedisEventsError';

/**
 * `removeGroup` refused to remove a group while some of its consumers are live (one read or claimed
 * within the last minute). Not retriable as it is: stop those consumers first, or pass `force: true`.
 */
export class GroupInUseError extends RxRedisEventsError {
  /** The stream's name. */
  readonly stream: string;
  /** The group that was to be removed. */
  readonly group: string;
  /** The live consumers, sorted by name. */
  readonly consumers: readonly string[];

  constructor(stream: string, group: string, consumers: readonly string[], liveMs: number) {
    super(`removeGroup: group "${group}" of stream "${stream}" has live consumers (active within the last ${liveMs / 1000} s): ${consumers.join(', ')}; stop them first, or pass { force: true }`);
    this.stream = stream;
    this.group = group;
    this.consumers = consumers;
  }
}
