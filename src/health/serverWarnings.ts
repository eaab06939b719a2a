import type { HealthWarning } from './ServiceHealth';

/** The oldest Redis version the library supports. */
export const MIN_REDIS_VERSION = '7.0.0';

/** What the health check read from the server; `undefined` where it could not be read. */
export interface ServerSettings {
  /** The version of Redis the server speaks: `INFO server`'s `redis_version` (Valkey reports the Redis version it is compatible with). */
  readonly version: string | undefined;
  /** `CONFIG GET appendonly`, `save` and `maxmemory-policy`; `undefined` when `CONFIG` was refused. */
  readonly config: { readonly appendonly: string; readonly save: string; readonly maxmemoryPolicy: string } | undefined;
}

/** The warnings that matter for data safety, from the server's settings. */
export function serverWarnings({ version, config }: ServerSettings): HealthWarning[] {
  const warnings: HealthWarning[] = [];
  if (!config) {
    warnings.push({ code: 'config-unchecked', message: 'CONFIG GET was refused (ACL or renamed command): persistence and maxmemory-policy could not be checked' });
  } else {
    if (config.appendonly === 'no' && config.save.trim() === '') {
      warnings.push({ code: 'persistence-off', message: 'persistence is off (appendonly no, save ""): a Redis restart loses every stream, group and pending entry' });
    }
    const policy = config.maxmemoryPolicy;
    if (policy.startsWith('allkeys-')) {
      warnings.push({ code: 'eviction-policy', message: `maxmemory-policy is ${policy}: under memory pressure Redis may evict stream keys; use noeviction` });
    } else if (policy.startsWith('volatile-')) {
      warnings.push({ code: 'eviction-policy', message: `maxmemory-policy is ${policy}: under memory pressure Redis may evict keys with a TTL (stream keys if one is set); use noeviction` });
    }
  }
  if (version !== undefined && compareVersions(version, MIN_REDIS_VERSION) < 0) {
    warnings.push({ code: 'redis-version', message: `Redis ${version} is older than ${MIN_REDIS_VERSION}, which the library needs (XINFO GROUPS lag, XCLAIM dropping deleted entries)` });
  }
  return warnings;
}

/** Compares dotted versions numerically (`6.2.14` < `7.0.0`). */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
