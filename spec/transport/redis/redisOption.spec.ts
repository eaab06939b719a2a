import { Cluster, Redis } from 'ioredis';
import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis6';
import { redisOptionKind } from '../../../src/transport/redis/redisOption';

const lazy = { lazyConnect: true };

/** An object of a class of its own with every member the library uses: what a client of some other ioredis copy is to the library. */
class LookAlike {
  readonly isCluster = false;
  readonly status = 'wait';
  readonly options = {};
  duplicate() {}
  callBuffer() {}
  evalsha() {}
  pipeline() {}
  on() {}
}

/** A client of another Redis library: some members alike, not the ones the library uses. */
class OtherLibraryClient {
  readonly isOpen = false;
  duplicate() {}
  on() {}
  sendCommand() {}
}

describe('redis transport - redisOption', () => {
  it('redisOption - clients and clusters of ioredis 5 and 6, and look-alikes of another class, are recognised by their shape', () => {
    const kinds = [new Redis(lazy), new Redis6(lazy), new Cluster([{ port: 1 }], lazy), new Cluster6([{ port: 1 }], lazy), new LookAlike()].map((client) => {
      const chosen = redisOptionKind(client);
      return [chosen.kind, 'client' in chosen && chosen.client === client];
    });
    expect(kinds).toEqual([
      ['client', true],
      ['client', true],
      ['cluster', true],
      ['cluster', true],
      ['client', true],
    ]);
  });

  it('redisOption - URLs and options are told apart from clients and from each other', () => {
    const tls = { ca: 'pem' };
    expect(redisOptionKind('redis://127.0.0.1:7000')).toEqual({ kind: 'url', url: 'redis://127.0.0.1:7000', options: {} });
    expect(redisOptionKind({ url: 'rediss://h:6380', tls })).toEqual({ kind: 'url', url: 'rediss://h:6380', options: { tls } });
    expect(redisOptionKind({ host: 'h', port: 7000 })).toEqual({ kind: 'options', options: { host: 'h', port: 7000 } });
    expect(redisOptionKind({ cluster: [{ host: 'h', port: 7000 }], redisOptions: { password: 'p' } })).toEqual({ kind: 'clusterOptions', nodes: [{ host: 'h', port: 7000 }], options: { redisOptions: { password: 'p' } } });
  });

  it.each([
    ['undefined', undefined, 'must be a URL, ioredis options or an ioredis client, got undefined (an unset environment variable? leave redis out for the in-memory broker)'],
    ['null', null, 'must be a URL, ioredis options or an ioredis client, got null'],
    ['an empty URL', '', 'must be a URL, ioredis options or an ioredis client, got "" (an unset environment variable? leave redis out for the in-memory broker)'],
    ['a number', 6379, 'must be a URL, ioredis options or an ioredis client, got 6379'],
    ['a client of another library', new OtherLibraryClient(), 'must be a URL, ioredis options or an ioredis (5 or 6) client; got an instance of OtherLibraryClient, which lacks callBuffer, evalsha, pipeline, isCluster, status, options'],
    ['an object of another class', new Map(), 'must be a URL, ioredis options or an ioredis (5 or 6) client; got an instance of Map, which lacks duplicate, callBuffer, evalsha, pipeline, on, isCluster, status, options'],
    ['options with one client method', { host: 'h', duplicate: () => undefined }, 'must be a URL, ioredis options or an ioredis (5 or 6) client; got an object, which lacks callBuffer, evalsha, pipeline, on, isCluster, status, options'],
    ['a cluster look-alike without nodes()', Object.assign(new LookAlike(), { isCluster: true }), 'must be a URL, ioredis options or an ioredis (5 or 6) client; got an instance of LookAlike, which lacks nodes, refreshSlotsCache'],
    ['an ioredis 6 client with replyMapping resp3', new Redis6({ ...lazy, replyMapping: 'resp3' }), `must be a client with ioredis' default replyMapping 'legacy' (the library reads RESP2-shaped replies), got replyMapping "resp3"`],
    ['cluster options without nodes', { cluster: [] }, '.cluster must be a non-empty array of startup nodes, got []'],
    ['options with a URL that is not a string', { url: 7000 }, '.url must be a Redis URL, got 7000'],
    ['options with an unset URL', { url: undefined, tls: {} }, '.url must be a Redis URL, got undefined'],
  ])('redisOption - %s is a TypeError naming the option', (_what, value, problem) => {
    const run = () => redisOptionKind(value, 'createEventService option redis');
    expect(run).toThrow(TypeError);
    expect(run).toThrow(`rx-redis-events: createEventService option redis ${problem}`);
  });
});
