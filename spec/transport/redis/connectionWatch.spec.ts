import { serverNameOf } from '../../../src/transport/redis/connectionWatch';
import { redactUrl } from '../../../src/transport/redis/redisOption';

describe('redis transport - connectionWatch', () => {
  it('serverNameOf - a client by host:port or socket path; a cluster by its seed nodes, given as options, URLs, ports or host:port, never with a password', () => {
    expect(serverNameOf({ options: { host: '10.0.0.5', port: 6380 } })).toBe('10.0.0.5:6380');
    expect(serverNameOf({ options: { path: '/run/redis.sock' } })).toBe('/run/redis.sock');
    const cluster = { options: {}, startupNodes: [{ host: 'a', port: 7000 }, 'redis://:s3cret@b:7001', 'rediss://user:pa:ss@c', 7003, '7004', 'd:7005', 'user:pw@e:7006'] };
    expect(serverNameOf(cluster)).toBe('a:7000,b:7001,c:6379,localhost:7003,localhost:7004,d:7005,e:7006');
  });

  it('redactUrl - the password, up to the last @ (it may hold : or / unescaped), becomes ***; a user name stays', () => {
    expect(
      ['redis://user:secret@127.0.0.1:6379', 'redis://:pa:ss@h:1/0', 'redis://:p/w@h:1', 'redis://u:p@ss@h:1/2', 'redis://h:1/3', 'redis://secret@h:1'].map(redactUrl),
    ).toEqual(['redis://user:***@127.0.0.1:6379', 'redis://:***@h:1/0', 'redis://:***@h:1', 'redis://u:***@h:1/2', 'redis://h:1/3', 'redis://***@h:1']);
  });
});
