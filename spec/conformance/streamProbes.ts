import type { Cluster, Redis } from 'ioredis';
import type { BackendContext } from './backend';

/** The stream probes of a Redis backend context, through `probe` (a server or cluster client), for keys under `prefix`. */
export function streamProbes(probe: Redis | Cluster, prefix: string): Pick<BackendContext, 'pendingCount' | 'appendRaw' | 'streamLength'> {
  return {
    pendingCount: async (stream, group) => {
      const summary = (await probe.xpending(prefix + stream, group)) as [number, ...unknown[]];
      return summary[0];
    },
    appendRaw: async (stream, fields) => (await probe.xadd(prefix + stream, '*', ...Object.entries(fields).flat())) as string,
    streamLength: (stream) => probe.xlen(prefix + stream),
  };
}
