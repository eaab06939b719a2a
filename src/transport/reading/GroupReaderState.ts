import type { Subscription } from 'rxjs';

/** Nothing under way: a request starts a read (in a microtask). */
export interface Idle {
  readonly kind: 'idle';
}
/** A read starts in a microtask, once the requests made in the same turn have joined. */
export interface StartQueued {
  readonly kind: 'startQueued';
}
/** Requests wait for the connection to be ready, or until the earliest deadline (`alarm`, then they are answered `[]`). */
export interface Connecting {
  readonly kind: 'connecting';
  alarm: Subscription | undefined;
}
/** A read over `keys` is under way; `unblocking` once `CLIENT UNBLOCK` was sent for it (once per read). */
export interface Reading {
  readonly kind: 'reading';
  readonly keys: ReadonlySet<string>;
  /** The read's `COUNT`, for each key. */
  readonly count: number;
  unblocking: boolean;
  /** Resolved once the read has answered (or failed): releases that wait for it. */
  readonly afterRead: (() => void)[];
}
/** A read's answers (or expired requests) are handed out; `awaited`: the keys it answered whose loops have not asked again yet (once all have, the next read is sent at once). */
export interface Answering {
  readonly kind: 'answering';
  awaited: Set<string> | undefined;
}
/** Closed: every request is answered `[]` at once. */
export interface Closed {
  readonly kind: 'closed';
}

/**
 * What a `GroupReader` is doing, one state at a time, each with the data only it has:
 * - `idle` → a request → `startQueued` → (a microtask) `reading`, or `connecting` while the connection is not ready;
 * - `connecting` → ready → `reading`; or its alarm → `answering` the expired requests → `idle`;
 * - `reading` → the reply → `answering` → `idle`, or `reading` again at once when a loop it answered asks again (a read ahead);
 * - any state → `close()` → `closed`.
 */
export type ReaderState = Idle | StartQueued | Connecting | Reading | Answering | Closed;

export const IDLE: Idle = Object.freeze({ kind: 'idle' });
export const START_QUEUED: StartQueued = Object.freeze({ kind: 'startQueued' });
export const CLOSED: Closed = Object.freeze({ kind: 'closed' });
