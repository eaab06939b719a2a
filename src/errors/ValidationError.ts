import { describeIssues, type ValidationIssue } from '../validation/checkValue';
import { RxRedisEventsError } from './RxRedisEventsError';

/** Where a {@link ValidationError} was raised: in `produce`, in `broadcast`, or by a listener (which drops the message). */
export type ValidationPhase = 'produce' | 'broadcast' | 'listen';

/**
 * A value does not pass its stream's schema. Not retriable. `produce` and `broadcast` reject with it
 * and write nothing of the call; a listener reports it (`onError`, `service.error`) and drops the message.
 */
export class ValidationError extends RxRedisEventsError {
  /** The stream (or broadcast stream) whose schema refused the value. */
  readonly stream: string;
  /** The place of the value in the call, from 0 (the first invalid one; always 0 for `broadcast` and listeners). */
  readonly index: number;
  /** What the schema found, each issue with its path as plain keys (`[]`: the value itself). */
  readonly issues: readonly ValidationIssue[];
  /** Where it was raised. */
  readonly phase: ValidationPhase;

  constructor(stream: string, index: number, issues: readonly ValidationIssue[], phase: ValidationPhase = 'produce', cause?: unknown) {
    super(messageOf(stream, index, issues, phase), { cause });
    this.stream = stream;
    this.index = index;
    this.issues = issues;
    this.phase = phase;
  }
}

function messageOf(stream: string, index: number, issues: readonly ValidationIssue[], phase: ValidationPhase): string {
  const found = describeIssues(issues);
  if (phase === 'broadcast') return `invalid message for broadcast stream "${stream}": ${found}; nothing was published`;
  if (phase === 'listen') return `invalid message received on broadcast stream "${stream}": ${found}; dropped`;
  return `invalid event at index ${index} of the call for stream "${stream}": ${found}; nothing of the call was written`;
}
