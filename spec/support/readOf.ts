import { Observable } from 'rxjs';
import type { ReadEntry, StreamReader } from '../../src/transport/StreamTransport';

/**
 * **Cold**: a reader's read as an Observable, for specs. Each subscription sends one request for up
 * to `count` entries, waiting up to `blockMs`, and emits its answer, then completes; unsubscribing
 * before the answer withdraws the request.
 */
export function readOf(reader: StreamReader, count: number, blockMs: number): Observable<ReadEntry[]> {
  return new Observable<ReadEntry[]>((subscriber) =>
    reader.request(
      count,
      blockMs,
      (entries) => {
        subscriber.next(entries);
        subscriber.complete();
      },
      (error) => subscriber.error(error),
    ),
  );
}
