import { compareVersions, serverWarnings } from '../../src/health/serverWarnings';

const safe = { appendonly: 'yes', save: '3600 1 300 100 60 10000', maxmemoryPolicy: 'noeviction' };
const codes = (settings: Parameters<typeof serverWarnings>[0]) => serverWarnings(settings).map((warning) => warning.code);

describe('serverWarnings', () => {
  it('health - a persistent, non-evicting Redis 7 gets no warning', () => {
    expect(serverWarnings({ version: '7.0.15', config: safe })).toEqual([]);
  });

  it('health - persistence is off only when there is neither AOF nor an RDB save point', () => {
    expect(codes({ version: '7.2.4', config: { ...safe, appendonly: 'no', save: '' } })).toEqual(['persistence-off']);
    expect(codes({ version: '7.2.4', config: { ...safe, appendonly: 'no' } })).toEqual([]);
    expect(codes({ version: '7.2.4', config: { ...safe, save: '' } })).toEqual([]);
  });

  it('health - every allkeys-* and volatile-* policy warns, naming the policy', () => {
    for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
      const [warning] = serverWarnings({ version: '7.0.0', config: { ...safe, maxmemoryPolicy: policy } });
      expect(warning?.code).toBe('eviction-policy');
      expect(warning?.message).toContain(`maxmemory-policy is ${policy}`);
    }
  });

  it('health - Redis older than 7.0 warns; a refused CONFIG is reported as unchecked', () => {
    expect(codes({ version: '6.2.14', config: safe })).toEqual(['redis-version']);
    expect(codes({ version: '7.0.0', config: undefined })).toEqual(['config-unchecked']);
    expect(codes({ version: undefined, config: { ...safe, appendonly: 'no', save: '', maxmemoryPolicy: 'allkeys-lru' } })).toEqual(['persistence-off', 'eviction-policy']);
  });

  it('compareVersions - compares numerically, part by part', () => {
    expect(compareVersions('6.2.14', '7.0.0')).toBeLessThan(0);
    expect(compareVersions('7.0.15', '7.0.0')).toBeGreaterThan(0);
    expect(compareVersions('10.0', '9.9.9')).toBeGreaterThan(0);
    expect(compareVersions('7.0', '7.0.0')).toBe(0);
  });
});
