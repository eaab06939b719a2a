import { Observable } from 'rxjs';
import { TransportError } from '../../errors/TransportError';
import { MissingGroupError } from './MemoryStream';

/** The {@link TransportError} of a failed memory operation: `NOGROUP` for a missing group, as Redis would say. */
export function memoryTransportError(operation: string, error: unknown): TransportError {
  return new TransportError(operation, error, error instanceof MissingGroupError ? { code: 'NOGROUP' } : {});
}

/** A cold Observable doing `work` synchronously on subscription; what it throws errors as {@link memoryTransportError}. */
export function answerNow<R>(operation: string, work: () => R): Observable<R> {
  return new Observable<R>((subscriber) => {
    let result: R;
    try {
      result = work();
    } catch (error) {
      return subscriber.error(memoryTransportError(operation, error));
    }
    subscriber.next(result);
    subscriber.complete();
  });
}
