import { Subscription, type Observable } from 'rxjs';
import type { SseChannel } from './SseChannel';
import type { ResolvedSseConfig } from './sseConfig';

/**
 * Subscribes to `source$` now and sends each value on `channel` (with `config.id`/`config.event`);
 * the source completing or failing ends the response with `event: end`, and the response ending
 * (the client gone, `close()`) unsubscribes. Shared by `serveObservableSse` and `observableSseResponse`.
 */
export function sendEach<T>(channel: SseChannel, source$: Observable<T>, config: ResolvedSseConfig<T>): void {
  const subscription = new Subscription();
  channel.onClose(() => subscription.unsubscribe());
  subscription.add(
    source$.subscribe({
      next: (value) => channel.send(() => ({ id: config.id?.(value), event: config.event?.(value), value })),
      error: (error: unknown) => channel.fail(error),
      complete: () => channel.end('complete'),
    }),
  );
}
