import { Redis, ReplyError } from 'ioredis';
import { TransportError } from '../../../src/errors/TransportError';
import { classifyRedisError, ConnectionClosedError, isRedisReply, redisTransportError } from '../../../src/transport/redis/redisErrors';
import { tlsFailure } from '../../../src/transport/redis/tlsFailure';
import { uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';

/** An error reply as ioredis rejects with it (its `ReplyError`, typed loosely by ioredis). */
function replyError(message: string): Error {
  return new (ReplyError as new (text: string) => Error)(message);
}

/** A Node socket error of `code`, as ioredis passes it on. */
function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What a failed command rejects with. */
async function failureOf(command: Promise<unknown>): Promise<unknown> {
  return command.then(
    () => {
      throw new Error('the command succeeded');
    },
    (error: unknown) => error,
  );
}

describe('redisErrors - classification of what the Redis client fails with', () => {
  it.each([
    ['NOGROUP No such key \'orders\' or consumer group \'billing\' in XREADGROUP with GROUP option', 'NOGROUP', true],
    ['NOPERM this user has no permissions to access one of the keys used as arguments', 'NOPERM', false],
    ['NOPERM No permissions to access a key', 'NOPERM', false],
    ['NOAUTH Authentication required.', 'NOAUTH', false],
    ['WRONGPASS invalid username-password pair or user is disabled.', 'WRONGPASS', false],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', 'WRONGTYPE', false],
    ["OOM command not allowed when used memory > 'maxmemory'.", 'OOM', true],
    ["READONLY You can't write against a read only replica.", 'READONLY', true],
    ['MOVED 3999 127.0.0.1:6381', 'MOVED', true],
    ['ASK 3999 127.0.0.1:6381', 'ASK', true],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'TRYAGAIN', true],
    ['CLUSTERDOWN The cluster is down', 'CLUSTERDOWN', true],
    ['LOADING Redis is loading the dataset in memory', 'LOADING', true],
    ['BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.', 'BUSY', true],
    ['BUSYGROUP Consumer Group name already exists', 'BUSYGROUP', true],
    ["MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", 'MASTERDOWN', true],
    ['NOREPLICAS Not enough good replicas to write.', 'NOREPLICAS', true],
    ['NOSCRIPT No matching script. Please use EVAL.', 'NOSCRIPT', true],
    ['Too many Cluster redirections. Last error: NOSCRIPT No matching script. Please use EVAL.', 'NOSCRIPT', true],
    ['Too many Cluster redirections. Last error: CLUSTERDOWN The cluster is down', 'CLUSTERDOWN', true],
    ['ERR unknown command', 'UNKNOWN', true],
    ['ERR no such key', 'UNKNOWN', true],
    ['NOGROUPS is not a code', 'UNKNOWN', true],
  ] as const)('reply - %p is %s (retriable: %p)', (message, code, retriable) => {
    expect(classifyRedisError(replyError(message))).toEqual({ code, retriable });
  });

  it.each([
    [socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'CONNECTION', true],
    [socketError('ECONNRESET', 'read ECONNRESET'), 'CONNECTION', true],
    [socketError('EPIPE', 'write EPIPE'), 'CONNECTION', true],
    [socketError('ETIMEDOUT', 'connect ETIMEDOUT'), 'CONNECTION', true],
    [socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND redis.invalid'), 'CONNECTION', true],
    [new Error('Connection is closed.'), 'CONNECTION', true],
    [new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'CONNECTION', true],
    [Object.assign(new Error('Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' }), 'CONNECTION', true],
    [Object.assign(new Error('Failed to refresh slots cache.'), { name: 'ClusterAllFailedError' }), 'CONNECTION', true],
    [new ConnectionClosedError('the connection closed during a blocking read'), 'CONNECTION', true],
    [new Error('Command timed out'), 'TIMEOUT', true],
    [socketError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), 'TLS', false],
    [tlsFailure(socketError('CERT_HAS_EXPIRED', 'certificate has expired')), 'TLS', false],
    [new Error('something else'), 'UNKNOWN', true],
    ['not an error', 'UNKNOWN', true],
    [new TransportError('read', new Error('the cluster client knows no node yet'), { code: 'CONNECTION' }), 'CONNECTION', true],
  ] as const)('failure - %p is %s (retriable: %p)', (error, code, retriable) => {
    expect(classifyRedisError(error)).toEqual({ code, retriable });
  });

  it('redisTransportError - a typed TransportError naming the operation and the reply', () => {
    const error = redisTransportError('ack', replyError('NOPERM No permissions to access a key'));
    expect({ name: error.name, message: error.message, operation: error.operation, code: error.code, retriable: error.retriable }).toEqual({
      name: 'TransportError',
      message: 'the broker failed during ack: NOPERM No permissions to access a key',
      operation: 'ack',
      code: 'NOPERM',
      retriable: false,
    });
    expect(isRedisReply(replyError('BUSYGROUP Consumer Group name already exists'), 'BUSYGROUP')).toBe(true);
    expect(isRedisReply(replyError('BUSYGROUP Consumer Group name already exists'), 'NOGROUP')).toBe(false);
  });

  it('TransportError - without a classification it is UNKNOWN and retriable, whatever its text says', () => {
    const error = new TransportError('append', new Error('NOPERM No permissions to access a key'));
    expect({ code: error.code, retriable: error.retriable }).toEqual({ code: 'UNKNOWN', retriable: true });
  });
});

describe('redisErrors - what a real server answers', () => {
  const redis = useRedisServer();

  it('server - NOGROUP, WRONGTYPE and BUSYGROUP replies, and a command on a closed connection', async () => {
    const key = uniqueName('errors');
    const failures = [
      await failureOf(redis.admin.xreadgroup('GROUP', 'missing', 'c', 'STREAMS', key, '>')),
      await failureOf((async () => (await redis.admin.set(key, 'text'), redis.admin.xadd(key, '*', 'v', '1')))()),
      await failureOf((async () => (await redis.admin.xgroup('CREATE', `${key}:s`, 'g', '0', 'MKSTREAM'), redis.admin.xgroup('CREATE', `${key}:s`, 'g', '0')))()),
    ];
    const closed = new Redis(redis.server.url, { retryStrategy: () => null });
    await closed.ping();
    closed.disconnect();
    failures.push(await failureOf(closed.xlen(key)));
    const refused = new Redis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    refused.on('error', () => undefined);
    failures.push(await failureOf(refused.connect()));
    expect(failures.map((error) => classifyRedisError(error).code)).toEqual(['NOGROUP', 'WRONGTYPE', 'BUSYGROUP', 'CONNECTION', 'CONNECTION']);
  });

  it('server - OOM when the server has no memory left to write', async () => {
    const key = uniqueName('oom');
    const [, limit] = (await redis.admin.config('GET', 'maxmemory')) as [string, string];
    await redis.admin.config('SET', 'maxmemory', '1');
    try {
      expect(classifyRedisError(await failureOf(redis.admin.xadd(key, '*', 'v', '1')))).toEqual({ code: 'OOM', retriable: true });
    } finally {
      await redis.admin.config('SET', 'maxmemory', limit);
    }
  });
});
