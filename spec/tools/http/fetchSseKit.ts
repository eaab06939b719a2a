import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A reader of a Fetch SSE `Response` body, parsed by `eventsource-parser` as `EventSource` would. */
export interface FetchSseReader {
  readonly events: EventSourceMessage[];
  readonly comments: string[];
  /** Reads until `count` events arrived (fails after `timeoutMs`). */
  readEvents(count: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Reads until `count` comments arrived. */
  readComments(count: number, timeoutMs?: number): Promise<string[]>;
  /** Reads until the body ends; resolves with every event. */
  readToEnd(timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Cancels the body, as a client going away does. */
  cancel(): Promise<void>;
}

export function readSse(response: Response): FetchSseReader {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event), onComment: (comment) => comments.push(comment) });
  let done = false;
  /** The read under way: a read that timed out is still the next one's (no chunk is lost). */
  let pending: ReturnType<typeof reader.read> | undefined;
  const readOnce = async (deadline: number): Promise<void> => {
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out with ${events.length} events`)), Math.max(deadline - Date.now(), 1)).unref());
    const chunk = await Promise.race([(pending ??= reader.read()), timer]);
    pending = undefined;
    if (chunk.done) done = true;
    else parser.feed(decoder.decode(chunk.value, { stream: true }));
  };
  return {
    events,
    comments,
    readEvents: async (count, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && !done) await readOnce(deadline);
      if (events.length < count) throw new Error(`the body ended after ${events.length} of ${count} events`);
      return events.slice(0, count);
    },
    readComments: async (count, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (comments.length < count && !done) await readOnce(deadline);
      return comments.slice(0, count);
    },
    readToEnd: async (timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done) await readOnce(deadline);
      return events;
    },
    cancel: () => reader.cancel(),
  };
}
