import { Observable } from 'rxjs';
import { memoryTransportError } from './memoryTransportError';
import type { ReadEntry } from '../streamEntries';
import type { StreamReader } from '../StreamTransport';
import type { MemoryBroker } from './MemoryBroker';

/** A reader that waits, without timers, until the broker has entries for it or it is interrupted. */
export class MemoryStreamReader implements StreamReader {
  private cancelWait: (() => void) | undefined;
  private interrupted = false;
  private closed = false;

  constructor(
    private readonly broker: MemoryBroker,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
  ) {}

  read(count: number, _blockMs: number): Observable<ReadEntry[]> {
    return new Observable<ReadEntry[]>((subscriber) => {
      const answer = (entries: ReadEntry[]) => {
        this.cancelWait = undefined;
        subscriber.next(entries);
        subscriber.complete();
      };
      if (this.closed || this.interrupted) {
        this.interrupted = false;
        return answer([]);
      }
      const stream = this.broker.stream(this.key);
      try {
        const ready = stream.readNew(this.group, this.consumer, count, this.broker.now());
        if (ready.length > 0) return answer(ready);
      } catch (error) {
        return subscriber.error(memoryTransportError('read', error));
      }
      const remove = stream.wait({ group: this.group, consumer: this.consumer, count, resolve: answer });
      this.cancelWait = () => {
        remove();
        answer([]);
      };
      return () => {
        remove();
        this.cancelWait = undefined;
      };
    });
  }

  interrupt(): void {
    if (this.cancelWait) this.cancelWait();
    else this.interrupted = true;
  }

  close(): Promise<void> {
    this.closed = true;
    this.cancelWait?.();
    return Promise.resolve(); // a read answers at once: none is under way
  }
}
