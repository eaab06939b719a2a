import { TransportError, type TransportErrorCode } from '../../errors/TransportError';
import { DatabaseRefusedError } from './databaseRefusal';
import { tlsFailure } from './tlsFailure';

/** How the Redis transport classifies a failure. */
export interface RedisFailure {
  readonly code: TransportErrorCode;
  readonly retriable: boolean;
}

/** Error reply codes the transport tells apart (a reply starts with its code). */
const REPLY_CODES: ReadonlySet<TransportErrorCode> = new Set<TransportErrorCode>([
  'NOGROUP', 'NOPERM', 'NOAUTH', 'WRONGPASS', 'WRONGTYPE', 'OOM', 'READONLY', 'MOVED', 'ASK', 'TRYAGAIN',
  'CLUSTERDOWN', 'LOADING', 'BUSY', 'BUSYGROUP', 'MASTERDOWN', 'NOREPLICAS', 'NOSCRIPT',
]);
/** Replies that trying again cannot fix: a missing permission, failed authentication, a key of another type. */
const PERMANENT: ReadonlySet<TransportErrorCode> = new Set<TransportErrorCode>(['NOPERM', 'NOAUTH', 'WRONGPASS', 'WRONGTYPE', 'TLS', 'DATABASE']);
/** Node's codes of a socket that could not connect or was lost. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
/** What ioredis says when a command cannot be sent or its connection was given up on. */
const CONNECTION_MESSAGES = /^(Connection is closed\.|Stream isn't writeable|Cluster isn't ready|None of startup nodes is available|Failed to refresh slots cache|Reached the max retries per request limit)/;
/** The error code a reply starts with, also after a cluster client's "Too many Cluster redirections. Last error: ". */
const REPLY_CODE = /(?:^|Last error: )([A-Z]+)(?:\s|$)/;

/**
 * Classifies a failure met by the Redis client: an error reply by its code, a lost or refused
 * connection as `CONNECTION`, a command timeout as `TIMEOUT`, a refused certificate or TLS handshake
 * as `TLS`, a database the server would not select as `DATABASE`; anything else is `UNKNOWN` (retriable).
 */
export function classifyRedisError(error: unknown): RedisFailure {
  if (error instanceof TransportError) return { code: error.code, retriable: error.retriable };
  const code = codeOf(error);
  return { code, retriable: !PERMANENT.has(code) };
}

function codeOf(error: unknown): TransportErrorCode {
  if (!isErrorLike(error)) return 'UNKNOWN';
  if (error instanceof DatabaseRefusedError) return 'DATABASE';
  if (tlsFailure(error) ?? tlsFailure(error.cause)) return 'TLS'; // the failure itself, or connect's error naming it
  const reply = REPLY_CODE.exec(error.message)?.[1] as TransportErrorCode | undefined;
  if (reply !== undefined && REPLY_CODES.has(reply)) return reply;
  const socket = (error as NodeJS.ErrnoException).code;
  if (typeof socket === 'string' && SOCKET_CODES.has(socket)) return 'CONNECTION';
  if (error instanceof ConnectionClosedError || error.name === 'MaxRetriesPerRequestError' || error.name === 'ClusterAllFailedError' || CONNECTION_MESSAGES.test(error.message)) return 'CONNECTION';
  if (error.message === 'Command timed out') return 'TIMEOUT';
  return 'UNKNOWN';
}

/** A connection closed under a command that will not be sent again (a blocking read): code `CONNECTION`. */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}

/**
 * Whether `value` is an error, by its shape: Node's socket errors may come from another realm (a
 * test runner's sandbox), where `instanceof Error` is false.
 */
export function isErrorLike(value: unknown): value is Error {
  return value instanceof Error || (typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).name === 'string');
}

/** The {@link TransportError} for `operation` that failed with `error`, classified; naming `server` when given. */
export function redisTransportError(operation: string, error: unknown, server?: string): TransportError {
  return new TransportError(operation, error, { ...classifyRedisError(error), ...(server === undefined ? {} : { server }) });
}

/** True when the Redis client's `error` is an error reply of `code` (for the transport's own recovery: `BUSYGROUP`, `NOSCRIPT`, ...). */
export function isRedisReply(error: unknown, code: TransportErrorCode): boolean {
  return classifyRedisError(error).code === code;
}
