import { catchError, of } from 'rxjs';
import { RxRedisEventsError } from '../errors/RxRedisEventsError';
import { isTransportError } from '../errors/TransportError';
import { wait, type Awaitable, type Coroutine } from '../internal/coroutine';
import type { GroupStartAt } from '../transport/StreamTransport';
import type { ConsumerContext } from './ConsumerContext';

const MAX_RETRY_PAUSE_MS = 1000;

/** How a consumer loop retries what failed on the broker, creating its group again meanwhile. */
export class Retrying {
  /**
   * @param key The stream key whose group is created again after a failure.
   * @param from Where a group created again starts (unless it vanished: then from the stream's start).
   * @param stopped Whether the loop has stopped: then nothing is tried again.
   * @param sleep Waits `ms` between two tries (the loop may end it early).
   */
  constructor(
    private readonly ctx: ConsumerContext,
    private readonly key: string,
    private readonly from: GroupStartAt,
    private readonly stopped: () => boolean,
    private readonly sleep: (ms: number) => Coroutine,
  ) {}

  /**
   * Runs `work`, reporting a failure and retrying after a growing pause until it succeeds or the loop
   * stops. A library error that is not retriable (a permission the broker refuses) ends the subscription with it.
   */
  *run(work: () => Generator<Awaitable<unknown>, unknown, unknown>): Coroutine {
    for (let failures = 0; !this.stopped(); failures++) {
      try {
        yield* work();
        return;
      } catch (error) {
        if (this.stopped()) return;
        if (error instanceof RxRedisEventsError && !error.retriable) throw error; // ends the subscription: retrying cannot help
        this.ctx.report(error);
        yield* this.sleep(Math.min(100 * 2 ** failures, MAX_RETRY_PAUSE_MS));
        // A group that vanished (FLUSHALL, key deleted) is created again from the stream's start: nothing written since is skipped.
        const start = isTransportError(error, 'NOGROUP') ? 'start' : this.from;
        yield* wait(this.ctx.transport.ensureGroup(this.key, this.ctx.group, start).pipe(catchError(() => of(undefined))));
      }
    }
  }
}
