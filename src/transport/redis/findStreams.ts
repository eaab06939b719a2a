import type { Cluster, Redis } from 'ioredis';
import { streamsOfKeys, type DiscoveredStream } from '../../partitions/discoverStreams';
import { streamKeyOf } from '../../partitions/streamLayout';

/** Keys per `SCAN` page asked for. */
const SCAN_COUNT = 1000;

/**
 * The stream keys matching `pattern` (`SCAN … MATCH <pattern> TYPE stream`), sorted; on a cluster,
 * those of every master. `onPage` is told the number of keys found so far after each page that more
 * pages follow (none for a scan of one page per server).
 */
export async function scanStreamKeys(client: Redis | Cluster, pattern: string, onPage?: (found: number) => void): Promise<string[]> {
  const keys = new Set<string>();
  const servers: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, page] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT, 'TYPE', 'stream');
      for (const key of page) keys.add(key);
      cursor = next;
      if (cursor !== '0') onPage?.(keys.size);
    } while (cursor !== '0');
  }
  return [...keys].sort();
}

/**
 * The event streams under `prefix` (every one, or only the one called `name`), found from their keys:
 * partitions and dead-letter streams folded into their stream, as {@link streamsOfKeys} reads them.
 */
export async function findStreams(client: Redis | Cluster, prefix: string, options: { readonly name?: string; readonly onPage?: (found: number) => void } = {}): Promise<DiscoveredStream[]> {
  const keys = await scanStreamKeys(client, `${escapeGlob(streamKeyOf(prefix, { name: options.name ?? '' }))}*`, options.onPage); // every key of the streams starts with it
  const streams = streamsOfKeys(prefix, keys);
  return options.name === undefined ? streams : streams.filter(({ stream }) => stream.name === options.name);
}

/** Escapes glob characters so that the text matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}
