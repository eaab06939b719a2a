/**
 * The vocabulary of stored entries, in one place: the fields of an event's entry and the layout of a
 * dead letter. The TypeScript codecs, the in-memory broker and the Redis Lua scripts (which
 * interpolate these constants into their source) all read and write entries by these names.
 */

/** An entry as stored in a stream: a flat map of string fields. */
export type EntryFields = Readonly<Record<string, string>>;

/** Field holding the encoded value (superjson text by default; see the stream's codec). */
export const VALUE_FIELD = 'v';
/** Field holding the partition key, when the stream has a key selector. */
export const KEY_FIELD = 'k';
/** Field of a redriven entry naming the only group that should consume it. */
export const TARGET_GROUP_FIELD = 'g';
/** Field carrying the producer's W3C `traceparent`, when tracing is on. */
export const TRACEPARENT_FIELD = 'traceparent';
/** Field carrying the producer's W3C `tracestate`, when it has one. */
export const TRACESTATE_FIELD = 'tracestate';
/** Fields that carry the producer's trace context (W3C Trace Context). */
export const TRACE_FIELDS = [TRACEPARENT_FIELD, TRACESTATE_FIELD] as const;

/**
 * The fields of a dead letter besides the original entry's (which it holds under
 * {@link ORIGINAL_PREFIX}): the original id, the group that gave up on it, why, the last error and
 * how many deliveries it had.
 */
export const DEAD_LETTER_FIELDS = {
  sourceId: 'sid',
  group: 'group',
  reason: 'reason',
  error: 'error',
  deliveryCount: 'count',
} as const;

/** Prefix of the original entry's fields inside a dead letter (`o:v`, `o:k`, ...). */
export const ORIGINAL_PREFIX = 'o:';
