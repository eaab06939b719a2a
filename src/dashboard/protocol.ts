/**
 * What the dashboard's server and its page exchange (types only: the page imports them too).
 *
 * - `GET /api/overview`: SSE, `event: overview`, JSON data {@link Overview}, about once per poll.
 * - `GET /api/streams/<name>/tail`: SSE, `event: entry`, superjson data (the entry's value, read as superjson, else plain JSON, else its raw text), `id:` the entry id; resumable with `Last-Event-ID`.
 * - `GET /api/streams/<name>/dead-letters`: superjson {@link DeadLetterList}.
 * - `POST /api/streams/<name>/redrive` with JSON {@link RedriveRequest}: JSON {@link RedriveResult}, or 403 {@link ErrorBody} when read-only.
 */

/** The page's settings, embedded in the HTML as JSON. */
export interface DashboardConfig {
  /** The key prefix of the streams shown. */
  readonly prefix: string;
  /** The Redis URL, without its password. */
  readonly url: string;
  /** Whether redrive is enabled (`--allow-redrive`). */
  readonly allowRedrive: boolean;
  /** How often the overview is refreshed, in ms. */
  readonly pollMs: number;
}

/** One group of a stream, as the overview shows it (`null` where `describe` says `undefined`). */
export interface GroupSummary {
  readonly name: string;
  readonly consumers: number;
  readonly pending: number;
  readonly lag: number | null;
  readonly lastDeliveredId: string;
  readonly oldestPendingAgeMs: number | null;
  readonly deadLetters: number | null;
}

/** One stream under the prefix: what `describe` reports, with its groups' figures summed. */
export interface StreamSummary {
  readonly stream: string;
  readonly partitions: number;
  readonly length: number;
  readonly lastId: string | null;
  readonly consumers: number;
  readonly pending: number;
  /** Summed over the groups; `null` when a group's lag is unknown. */
  readonly lag: number | null;
  readonly deadLetters: number;
  readonly groups: readonly GroupSummary[];
}

/** One event of `GET /api/overview`. */
export interface Overview {
  /** When it was taken (ms since the epoch). */
  readonly at: number;
  /** The dashboard's command connection: `lost` between `connection.lost` and `connection.restored`. */
  readonly connection: 'ready' | 'lost';
  /** `health()` warnings (persistence off, an evicting policy...). */
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
  readonly streams: readonly StreamSummary[];
  /** Why this poll failed (the streams are then the last ones read). */
  readonly error: string | null;
}

/** One dead letter as the page lists it. */
export interface DeadLetterRow {
  readonly id: string;
  readonly sourceId: string;
  readonly group: string;
  readonly reason: string;
  readonly deliveryCount: number;
  readonly error: string;
  readonly deadLetteredAt: Date;
  readonly key: string | undefined;
  /** The decoded value (`undefined` when it cannot be decoded). */
  readonly value: unknown;
}

/** `GET /api/streams/<name>/dead-letters` (superjson). */
export interface DeadLetterList {
  readonly stream: string;
  /** The oldest dead letters, at most `limit`. */
  readonly letters: readonly DeadLetterRow[];
  readonly limit: number;
}

/** `POST /api/streams/<name>/redrive`: these dead letters, or all of them without `ids`. */
export interface RedriveRequest {
  readonly ids?: readonly string[];
}

/** The answer to a redrive: the new entry ids on the stream. */
export interface RedriveResult {
  readonly stream: string;
  readonly redriven: readonly string[];
}

/** The body of an error answer. */
export interface ErrorBody {
  readonly error: string;
}
