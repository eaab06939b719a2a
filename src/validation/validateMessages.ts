import { Observable, type OperatorFunction } from 'rxjs';
import { RxRedisEventsError } from '../errors/RxRedisEventsError';
import { ValidationError } from '../errors/ValidationError';
import { checkValue, type Checked } from './checkValue';
import { InOrder } from './InOrder';
import type { StandardSchemaV1 } from './StandardSchema';

/** Most messages of one broadcast stream waiting for an asynchronous schema at once; more are dropped and reported. */
export const MAX_MESSAGES_IN_VALIDATION = 1000;

/**
 * Emits the schema's output of each message, in arrival order; reports an invalid message as a
 * {@link ValidationError} and drops it. Synchronous while the schema is. Completes once the messages
 * already received are validated.
 */
export function validateMessages<T>(schema: StandardSchemaV1<unknown, T>, name: string, report: (error: unknown) => void): OperatorFunction<unknown, T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const checks = new InOrder<T>(report);
      let completed = false;
      const settle = (checked: Checked<T>) => {
        if (checked.valid) subscriber.next(checked.value);
        else report(new ValidationError(name, 0, checked.issues, 'listen', checked.cause));
        if (completed && checks.size === 0) subscriber.complete();
      };
      return source.subscribe({
        next: (message) => {
          if (checks.size >= MAX_MESSAGES_IN_VALIDATION) {
            return report(new RxRedisEventsError(`broadcast stream "${name}": ${MAX_MESSAGES_IN_VALIDATION} messages are waiting for the schema's asynchronous validation; a message was dropped`));
          }
          checks.add(checkValue(schema, message), settle);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          completed = true;
          if (checks.size === 0) subscriber.complete();
        },
      });
    });
}
