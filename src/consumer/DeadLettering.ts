import type { DeadLetterInfo } from '../transport/StreamTransport';
import type { ConsumerContext, ConsumerTarget } from './ConsumerContext';
import type { HeldEntries } from './HeldEntries';
import type { InFlightEvents } from './InFlightEvents';

/**
 * Moves one loop's entries to the dead-letter stream (undecodable, too large, delivered too often,
 * refused by the schema or by the handler), holding each one's slot in the window until the broker
 * answered.
 */
export class DeadLettering<T> {
  constructor(
    private readonly ctx: ConsumerContext,
    private readonly target: ConsumerTarget<T>,
    private readonly held: HeldEntries,
    private readonly now: () => number,
    private readonly events: Pick<InFlightEvents<T>, 'done' | 'roomFreed'>,
  ) {}

  /**
   * Moves entry `id` to the dead-letter stream; a failure is reported (and with `rejectOnFailure`,
   * rejects) and the entry stays pending.
   */
  move(id: string, info: DeadLetterInfo, rejectOnFailure = false): Promise<void> {
    const { key } = this.target;
    this.held.handle(id, this.now());
    const moved = new Promise<void>((resolve, reject) => {
      const finish = () => {
        this.held.letGo(id);
        this.events.done?.(id);
        this.events.roomFreed();
      };
      // settled through the Observable: a backend that answers at once frees the slot in the same frame, also in virtual time
      this.ctx.transport.deadLetter(key, this.ctx.deadLetterKey(key), this.ctx.group, id, info).subscribe({
        complete: () => {
          const { instrument } = this.ctx;
          if (instrument.on) instrument.emit({ type: 'consumer.deadLettered', stream: this.target.stream.name, consumer: this.target.consumer, id, reason: info.reason, deliveryCount: info.deliveryCount });
          finish();
          resolve();
        },
        error: (error: unknown) => {
          this.ctx.report(error);
          finish();
          if (rejectOnFailure) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve();
        },
      });
    });
    moved.catch(() => undefined); // reported above: a caller that does not await it must not crash the process
    return moved;
  }
}

/** The message of a thrown value, as kept in a dead letter. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
