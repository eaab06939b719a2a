import type { AckBatch } from '../streamEntries';

/*
 * How one ack call of the Redis transport is split into commands, and how their outcomes make its one
 * answer. The transport's `ack` chooses between one `XACK` per stream and the ack script.
 */

/** About the most ids one ack script is given: a call over more streams is split between streams. */
export const ACK_SCRIPT_IDS = 10_000;

/** The ack batches split into script calls of about {@link ACK_SCRIPT_IDS} ids each (a stream's ids stay in one call). */
export function ackScriptCalls(batches: readonly AckBatch[]): AckBatch[][] {
  const calls: AckBatch[][] = [];
  let call: AckBatch[] = [];
  let ids = 0;
  for (const batch of batches) {
    if (call.length > 0 && ids + batch.ids.length > ACK_SCRIPT_IDS) {
      calls.push(call);
      call = [];
      ids = 0;
    }
    call.push(batch);
    ids += batch.ids.length;
  }
  if (call.length > 0) calls.push(call);
  return calls;
}

/** Waits for every call; rejects with the first refusal, in the order of `calls`. */
export function firstRefusal(calls: readonly Promise<unknown>[]): Promise<void> {
  return Promise.allSettled(calls).then((outcomes) => {
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    if (refused) throw refused.reason;
  });
}
