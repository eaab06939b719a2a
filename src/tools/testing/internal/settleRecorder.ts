import { Observable, Subject } from 'rxjs';
import type { RunHelpers } from 'rxjs/testing';
import type { SettleCall } from '../createFakeDelivery';

/** What a fake delivery stream keeps for `expectAcks`/`expectNacks`/`expectDeadLetters`: its helpers and its calls. */
export interface SettleRecorder {
  readonly helpers: RunHelpers;
  readonly calls: SettleCall[];
  /** Every call, as it is recorded. */
  readonly recorded: Subject<SettleCall>;
  /** The virtual clock of the stream. */
  now(): number;
}

const recorders = new WeakMap<object, SettleRecorder>();

/** Remembers the recorder of a fake delivery stream. */
export function registerRecorder(stream: object, recorder: SettleRecorder): void {
  recorders.set(stream, recorder);
}

/** The recorder of a stream made by `fakeDeliveries`; throws a `TypeError` for any other Observable. */
export function recorderOf(stream: object): SettleRecorder {
  const recorder = recorders.get(stream);
  if (!recorder) throw new TypeError('rx-redis-events/testing: expectAcks, expectNacks and expectDeadLetters need a stream made by fakeDeliveries');
  return recorder;
}

/**
 * Hot: the calls of one kind from now on, plus those already recorded at the current frame (made
 * before this subscription in the same frame). Unsubscribing stops the feed.
 */
export function callsOf<Op extends SettleCall['op']>(recorder: SettleRecorder, op: Op): Observable<Extract<SettleCall, { op: Op }>> {
  const isOp = (call: SettleCall): call is Extract<SettleCall, { op: Op }> => call.op === op;
  return new Observable((subscriber) => {
    const now = recorder.now();
    for (const call of recorder.calls.filter(isOp)) if (call.frame === now) subscriber.next(call);
    return recorder.recorded.subscribe((call) => {
      if (isOp(call)) subscriber.next(call);
    });
  });
}
