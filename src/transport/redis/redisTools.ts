import type { Cluster, Redis } from 'ioredis';
import type { DiscoveredStream } from '../../partitions/discoverStreams';
import { TransportError } from '../../errors/TransportError';
import type { StoredEntry } from '../StreamTransport';
import { openClient, type RedisClient } from './connect';
import { findStreams } from './findStreams';
import { databaseRefusal, type DatabaseRefusedError } from './databaseRefusal';
import { isErrorLike, isRedisReply, redisTransportError } from './redisErrors';
import type { RedisClientLike, RedisConnectionOption } from './redisOption';
import { toStoredEntries } from './replies';
import { tailKeys, type TailOptions } from './tailKeys';

/** A stream's figures for a listing: its length and dead letters summed over its partitions, the names of its groups. */
export interface StreamCounts {
  readonly length: number;
  readonly groups: readonly string[];
  readonly deadLetters: number;
}

/**
 * What the command-line tools and the dashboard ask of Redis besides an `EventService` (which they
 * make on {@link RedisTools.client}): finding streams by their keys, and reading them without a
 * group. Keys are full keys (prefix included), as `partitions/streamLayout` lays them out.
 */
export interface RedisTools {
  /** The connection, for `createEventService({ redis })`; the tools close it. */
  readonly client: RedisClientLike;
  /** The event streams under `prefix` (every one, or only the one called `name`), found from their keys. */
  findStreams(prefix: string, options?: { readonly name?: string; readonly onPage?: (found: number) => void }): Promise<DiscoveredStream[]>;
  /** The figures of a stream found by {@link RedisTools.findStreams}. */
  countsOf(stream: DiscoveredStream): Promise<StreamCounts>;
  /** The ids of the last `count` entries of `key`, newest first. */
  lastIds(key: string, count: number): Promise<string[]>;
  /** The entry `id` of `key`, if it has one. */
  entry(key: string, id: string): Promise<StoredEntry | undefined>;
  /** Creates `group` on `key` at `id` (the stream too, if missing); a group that exists already is left as it is. */
  createGroupAt(key: string, group: string, id: string): Promise<void>;
  /** Reads `keys` (`XREAD BLOCK`, no group) after the given ids, handing each entry on, until `options.count` were or `options.stopped` resolves. */
  tail(keys: readonly string[], after: readonly string[], options: TailOptions): Promise<void>;
  /** Closes the connection at once. */
  disconnect(): void;
}

/**
 * Opens a connection for tools to `option` (a URL, ioredis options or a cluster's nodes, as a
 * service takes it). With `failFast` (the default) it does not reconnect and resolves only once it
 * is ready: a tool should say that Redis cannot be reached and stop, not wait.
 *
 * @throws TransportError of code `CONNECTION` (or `TLS`, ...) when `failFast` and the connection
 *   ends before it is ready; its `cause` is what the client met (the last node's error on a cluster);
 *   of code `DATABASE` when the server refuses to select the URL's database (the connection then
 *   closes, with or without `failFast`, rather than go on in database 0).
 */
export async function openRedisTools(option: RedisConnectionOption, { failFast = true } = {}): Promise<RedisTools> {
  const client = openClient(failFast ? withoutRetries(option) : option);
  let failure: unknown;
  let refused: DatabaseRefusedError | undefined;
  client.on('error', (error: unknown) => {
    failure ??= error; // later failures surface through the commands
    refused ??= databaseRefusal(error);
    if (refused) client.disconnect(); // ioredis would go on in database 0
  });
  if (!failFast) return redisTools(client);
  const ready = await new Promise<boolean>((resolve) => {
    client.once('ready', () => resolve(true));
    client.once('end', () => resolve(false));
  });
  if (refused) throw new TransportError('connect', refused, { code: 'DATABASE', retriable: false });
  if (!ready) {
    if (client.status !== 'end') client.disconnect(); // once ended, disconnecting again would leave ioredis' socket timer running
    const cause = isErrorLike(failure) ? ((failure as Error & { lastNodeError?: Error }).lastNodeError ?? failure) : new Error('connection closed');
    const { code } = redisTransportError('connect', cause);
    throw new TransportError('connect', cause, { code: code === 'UNKNOWN' ? 'CONNECTION' : code, retriable: code !== 'TLS' });
  }
  return redisTools(client);
}

/** The tools on a client that is open already (closed by {@link RedisTools.disconnect}). */
export function redisTools(client: RedisClientLike): RedisTools {
  const redis = client as unknown as RedisClient;
  return {
    client,
    findStreams: (prefix, options) => findStreams(redis, prefix, options),
    countsOf: (stream) => countsOf(redis, stream),
    lastIds: async (key, count) => (await redis.xrevrange(key, '+', '-', 'COUNT', count)).map(([id]) => id),
    entry: async (key, id) => toStoredEntries(await redis.xrange(key, id, id, 'COUNT', 1))[0],
    createGroupAt: async (key, group, id) => {
      try {
        await redis.xgroup('CREATE', key, group, id, 'MKSTREAM');
      } catch (error) {
        if (!isRedisReply(error, 'BUSYGROUP')) throw error;
      }
    },
    tail: (keys, after, options) => tailKeys(redis, keys, after, options),
    disconnect: () => void (redis.status === 'end' || redis.disconnect()), // a tail stopped it already: again would leave ioredis' socket timer running
  };
}

async function countsOf(redis: Redis | Cluster, { keys, deadLetterKeys }: DiscoveredStream): Promise<StreamCounts> {
  const [lengths, groups, deadLetters] = await Promise.all([
    Promise.all(keys.map((key) => redis.xlen(key))),
    Promise.all(keys.map((key) => (redis.xinfo('GROUPS', key) as Promise<unknown[][]>).catch(() => []))),
    Promise.all(deadLetterKeys.map((key) => redis.xlen(key))),
  ]);
  const names = new Set(groups.flat().map((group) => String(group[group.indexOf('name') + 1])));
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  return { length: sum(lengths), groups: [...names].sort(), deadLetters: sum(deadLetters) };
}

/** `option` without reconnecting: a failed connection ends at once. */
function withoutRetries(option: RedisConnectionOption): RedisConnectionOption {
  const fast = { retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5000 };
  if (typeof option === 'string') return { url: option, ...fast };
  if ('cluster' in option) return { ...option, redisOptions: { ...option.redisOptions, ...fast }, clusterRetryStrategy: () => null };
  if ('isCluster' in option) return option;
  return { ...option, ...fast };
}
