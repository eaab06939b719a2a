import { readFile } from 'node:fs/promises';
import { TransportError } from '../../errors/TransportError';
import type { RedisConnectionOption } from '../../transport/redis/redisOption';
import { openRedisTools, type RedisTools } from '../../transport/redis/redisTools';
import { GLOBAL_HELP, UsageError } from './args';

/** The CLI's connection settings. */
export interface Target {
  /** The server's URL; with `cluster`, the seed nodes as `redis://` or `rediss://` URLs. */
  readonly url: string;
  readonly prefix: string;
  /** The seed nodes of a Redis Cluster (`--cluster host:port,...`). */
  readonly cluster?: readonly { readonly host: string; readonly port: number }[];
  /** A PEM file of the CA that signed the server's certificate (`--tls-ca`). */
  readonly tlsCaFile?: string;
}

/** The global options that say where Redis is. */
export interface TargetOptions {
  readonly url?: string;
  readonly prefix?: string;
  readonly cluster?: string;
  readonly 'tls-ca'?: string;
}

/**
 * The target from `--url`/`REDIS_URL` (or `--cluster`), `--tls-ca` and `--prefix`. A URL that is not
 * `redis://` or `rediss://`, a malformed node list, `--cluster` with `--url`, or `--tls-ca` with a
 * `redis://` URL is a {@link UsageError}.
 */
export function targetOf(values: TargetOptions, env: NodeJS.ProcessEnv): Target {
  const prefix = values.prefix ?? '';
  const tlsCaFile = values['tls-ca'];
  if (values.cluster !== undefined) {
    if (values.url !== undefined) throw new UsageError('--cluster and --url exclude each other', GLOBAL_HELP);
    const cluster = clusterNodes(values.cluster);
    const scheme = tlsCaFile === undefined ? 'redis' : 'rediss';
    return { url: cluster.map(({ host, port }) => `${scheme}://${host}:${port}`).join(','), prefix, cluster, ...(tlsCaFile === undefined ? {} : { tlsCaFile }) };
  }
  const [url, source] = values.url !== undefined ? [values.url, '--url'] : env.REDIS_URL ? [env.REDIS_URL, 'REDIS_URL'] : ['redis://127.0.0.1:6379', 'the default URL'];
  const scheme = schemeOf(url);
  if (scheme !== 'redis:' && scheme !== 'rediss:') throw new UsageError(`${source} must be a redis:// or rediss:// URL, got ${JSON.stringify(redact(url))}`, GLOBAL_HELP);
  if (tlsCaFile !== undefined && scheme !== 'rediss:') throw new UsageError(`--tls-ca needs a rediss:// URL (TLS), got ${JSON.stringify(redact(url))}`, GLOBAL_HELP);
  return { url, prefix, ...(tlsCaFile === undefined ? {} : { tlsCaFile }) };
}

/** `host:port,host:port` as cluster nodes. */
function clusterNodes(list: string): { host: string; port: number }[] {
  return list.split(',').map((node) => {
    const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(node.trim());
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new UsageError(`--cluster takes host:port,host:port,..., got ${JSON.stringify(node)}`, GLOBAL_HELP);
    return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
  });
}

function schemeOf(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}

/** A failure to reach Redis: one line, exit code 1. */
export class ConnectionFailure extends Error {
  override name = 'ConnectionFailure';
}

/**
 * Opens the library's tools on the target: a server, or a cluster with `--cluster`. With `failFast`
 * (the default) it does not reconnect and resolves only once it is ready: a command-line tool should
 * say that Redis cannot be reached and exit, not wait.
 */
export async function connect(target: Target, { failFast = true } = {}): Promise<RedisTools> {
  const tls = target.tlsCaFile === undefined ? {} : { tls: { ca: await readCa(target.tlsCaFile) } };
  const option: RedisConnectionOption = target.cluster ? { cluster: [...target.cluster], redisOptions: tls } : { url: target.url, ...tls };
  try {
    return await openRedisTools(option, { failFast });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new ConnectionFailure(`cannot connect to ${shownUrl(target)}: ${(error.cause as Error).message}`); // openRedisTools' cause is always an error
  }
}

async function readCa(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ConnectionFailure(`cannot read --tls-ca ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Where the target is, for messages: its URL without the password, or the cluster's seed nodes. */
export function shownUrl(target: Target): string {
  return target.cluster ? target.url : redact(target.url);
}

/** The URL without its password. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
