import { assertSignal } from '../internal/abortSignal';

/** Options of `EventService.listen`. */
export interface ListenOptions {
  /** Completes the Observable when this signal aborts, as unsubscribing would; a signal aborted already completes it at once. */
  readonly signal?: AbortSignal;
}

/** The signal of `listen` options, validated: throws a `TypeError` naming the bad option. */
export function listenSignal(options: ListenOptions): AbortSignal | undefined {
  if (typeof options !== 'object' || options === null) throw new TypeError(`rx-redis-events: listen options must be an object, got ${options === null ? 'null' : typeof options}`);
  assertSignal(options.signal, 'listen option signal');
  return options.signal;
}
