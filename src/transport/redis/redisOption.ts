import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';

/**
 * ioredis options with a URL, for what a URL cannot hold (certificates):
 * `{ url: 'rediss://user:pass@host:6380', tls: { ca } }`. What the URL sets wins over the same option.
 */
export interface RedisUrlOptions extends RedisOptions {
  readonly url: string;
}

/**
 * A Redis Cluster: its startup nodes and ioredis cluster options (`redisOptions` for what every node
 * connection needs, such as a password or TLS): `{ cluster: [{ host, port }], redisOptions: { password } }`.
 */
export interface RedisClusterOptions extends ClusterOptions {
  readonly cluster: readonly ClusterNode[];
}

/**
 * What the library uses of an ioredis client (`Redis`), of ioredis 5 or 6 and of whichever copy of
 * ioredis the application installed: a client is recognised by these members, not by its class.
 * The library sends commands on it, copies it (`duplicate()`) for blocking reads and pub/sub, and
 * follows its `status` and events; it never closes it.
 */
export interface RedisClientLike {
  /** `false` on a `Redis`, `true` on a `Cluster`. */
  readonly isCluster: boolean;
  /** ioredis' connection state (`wait`, `connecting`, `ready`, `reconnecting`, `end`...). */
  readonly status: string;
  /** The options it was made with (its copies get them too). */
  readonly options: object;
  duplicate(...args: never[]): unknown;
  callBuffer(...args: never[]): unknown;
  evalsha(...args: never[]): unknown;
  pipeline(...args: never[]): unknown;
  on(...args: never[]): unknown;
}

/** What the library uses of an ioredis `Cluster` (5 or 6, any copy): a client whose `nodes()` lists its node connections. */
export interface RedisClusterLike extends RedisClientLike {
  readonly isCluster: true;
  nodes(...args: never[]): unknown;
  refreshSlotsCache(...args: never[]): unknown;
}

/**
 * How to reach Redis: a URL (`redis://user:pass@host:6379/0`, `rediss://` for TLS), ioredis options
 * (with or without `url`), a cluster's nodes and options, or an existing client or cluster of
 * ioredis 5 or 6 (which the service leaves open).
 */
export type RedisConnectionOption = string | RedisUrlOptions | RedisOptions | RedisClusterOptions | RedisClientLike | RedisClusterLike;

/** A `redis` option, sorted by what it is (see {@link redisOptionKind}). */
export type RedisOptionKind =
  | { readonly kind: 'client'; readonly client: RedisClientLike }
  | { readonly kind: 'cluster'; readonly client: RedisClusterLike }
  | { readonly kind: 'url'; readonly url: string; readonly options: RedisOptions }
  | { readonly kind: 'options'; readonly options: RedisOptions }
  | { readonly kind: 'clusterOptions'; readonly nodes: readonly ClusterNode[]; readonly options: ClusterOptions };

/** The members every client has (besides `isCluster`, `status` and `options`), functions all. */
const CLIENT_METHODS = ['duplicate', 'callBuffer', 'evalsha', 'pipeline', 'on'] as const;
/** What a cluster client has besides. */
const CLUSTER_METHODS = ['nodes', 'refreshSlotsCache'] as const;

/**
 * Tells what a `redis` option is: a client or a cluster (by their shape, whatever their class), a
 * URL, or options; throws a `TypeError` naming `name` for anything else (`undefined`, `null`, `''`,
 * another library's client, an object of another class, a half-client).
 */
export function redisOptionKind(value: unknown, name = 'createEventService option redis'): RedisOptionKind {
  const refuse = (problem: string) => new TypeError(`rx-redis-events: ${name} ${problem}`);
  if (typeof value === 'string' && value !== '') return { kind: 'url', url: checkedUrl(value, refuse, ''), options: {} };
  if (typeof value !== 'object' || value === null) {
    const hint = value === undefined || value === '' ? ' (an unset environment variable? leave redis out for the in-memory broker)' : '';
    throw refuse(`must be a URL, ioredis options or an ioredis client, got ${value === undefined ? 'undefined' : JSON.stringify(value)}${hint}`);
  }
  const record = value as Record<string, unknown>;
  const methods = record.isCluster === true ? [...CLIENT_METHODS, ...CLUSTER_METHODS] : CLIENT_METHODS;
  const present = methods.filter((method) => typeof record[method] === 'function');
  if (present.length > 0 || !isPlainObject(value)) {
    const missing = [...methods.filter((method) => typeof record[method] !== 'function'), ...clientFieldsMissing(record)];
    if (missing.length > 0) throw refuse(`must be a URL, ioredis options or an ioredis (5 or 6) client; got ${kindOf(value)}, which lacks ${missing.join(', ')}`);
    const replyMapping = (record.options as { replyMapping?: unknown }).replyMapping;
    if (replyMapping !== undefined && replyMapping !== 'legacy') throw refuse(`must be a client with ioredis' default replyMapping 'legacy' (the library reads RESP2-shaped replies), got replyMapping ${JSON.stringify(replyMapping)}`);
    return record.isCluster === true ? { kind: 'cluster', client: value as RedisClusterLike } : { kind: 'client', client: value as RedisClientLike };
  }
  if ('cluster' in record) {
    const { cluster: nodes, ...options } = record;
    if (!Array.isArray(nodes) || nodes.length === 0) throw refuse(`.cluster must be a non-empty array of startup nodes, got ${JSON.stringify(nodes)}`);
    return { kind: 'clusterOptions', nodes, options };
  }
  if ('url' in record) {
    const { url, ...options } = record;
    if (typeof url !== 'string' || url === '') throw refuse(`.url must be a Redis URL, got ${url === undefined ? 'undefined' : JSON.stringify(url)}`);
    return { kind: 'url', url: checkedUrl(url, refuse, '.url'), options };
  }
  return { kind: 'options', options: value };
}

/** `redis://` or `rediss://` (any case, as ioredis reads them), or a Unix socket path (`/run/redis.sock`, not `//host`). */
const ACCEPTED_URL = /^(rediss?:\/\/|\/(?!\/))/i;

/**
 * `url` when ioredis would read it as a server's address; anything else (a typo such as `redis//host`,
 * another scheme, a bare port) would connect somewhere the user did not mean, or to localhost.
 */
function checkedUrl(url: string, refuse: (problem: string) => TypeError, field: string): string {
  if (ACCEPTED_URL.test(url)) return url;
  throw refuse(`${field === '' ? '' : `${field} `}must be a redis:// or rediss:// URL or a Unix socket path, got ${JSON.stringify(redactUrl(url))}`);
}

/** `url` with any password in it replaced by `***`, for messages. */
export function redactUrl(url: string): string {
  // the user info runs to the last @ (a password may hold / or : unescaped); a user name before the first : stays
  return url.replace(/\/\/.*@/, (userInfo) => `//${userInfo.includes(':') ? userInfo.slice(2, userInfo.indexOf(':') + 1) : ''}***@`);
}

/** The data members of a client that `record` lacks. */
function clientFieldsMissing(record: Record<string, unknown>): string[] {
  return [typeof record.isCluster === 'boolean' ? [] : ['isCluster'], typeof record.status === 'string' ? [] : ['status'], typeof record.options === 'object' && record.options !== null ? [] : ['options']].flat();
}

/** An object literal (or `Object.create(null)`), as ioredis options are. */
function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** `an instance of Foo` for an instance of class `Foo`, `an object` otherwise. */
function kindOf(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `an instance of ${name}` : 'an object';
}
