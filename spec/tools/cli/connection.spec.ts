import { createEventService, eventStream, type EventService } from '../../../src';
import { uniqueName } from '../../conformance/helpers';
import { startRedisServer, type RedisServer } from '../../support/redisServer';
import { createTlsFiles, type TlsFiles } from '../../support/tlsFiles';
import { tlsListener } from '../../support/tlsRedisServer';
import { useRedisCluster } from '../../support/useRedisCluster';
import { runCli, useBuiltCli } from './runCli';

const payments = eventStream<number>('payments', { partitions: 6, key: (n) => `c${n}` });
const orders = eventStream<number>('orders');

describe('rx-redis-events CLI - where Redis is: --cluster and --tls-ca', () => {
  const cli = useBuiltCli();
  const services: EventService[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  describe('a Redis Cluster of 3 masters', () => {
    const redis = useRedisCluster();
    const seeds = () => redis.cluster.startupNodes.map(({ host, port }) => `${host}:${port}`).join(',');

    it('cluster - streams, describe and tail reach every master with --cluster host:port,...', async () => {
      const prefix = `${uniqueName('cli-cluster')}:`;
      const service = createEventService({ group: 'billing', redis: { cluster: [...redis.cluster.startupNodes] }, prefix, closeTimeoutMs: 10 });
      services.push(service);
      const ids = await service.produce(payments, ...Array.from({ length: 12 }, (_, index) => index + 1));
      await service.produce(orders, 7);
      const keyed = await redis.cluster.keyCountPerMaster(`${prefix}payments*`);
      expect([...keyed.values()].every((count) => count > 0)).toBe(true); // the partitions are on every master
      const run = (...args: string[]) => runCli(cli.file, [...args, '--cluster', seeds(), '--prefix', prefix]);
      expect(await run('streams')).toEqual({ code: 0, stderr: '', stdout: 'STREAM    PARTITIONS  LENGTH  GROUPS  DEAD LETTERS\norders    1           1       -       0\npayments  6           12      -       0\n' });
      const described = await run('describe', 'payments');
      expect(described.stdout.split('\n').slice(0, 3)).toEqual(['stream        payments', 'partitions    6', 'length        12']);
      const tail = await run('tail', 'payments', '--from', 'start', '--count', '12', '--json');
      const printed = tail.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { id: string; value: number });
      expect({ code: tail.code, events: printed.map(({ id, value }) => [value, id]).sort((a, b) => (a[0] as number) - (b[0] as number)) }).toEqual({ code: 0, events: ids.map((id, index) => [index + 1, id]) });
    }, 60_000);
  });

  describe('a TLS-only server whose certificate a private CA signed', () => {
    let files: TlsFiles;
    let server: RedisServer;
    beforeAll(async () => {
      files = await createTlsFiles();
      server = await startRedisServer({ listener: tlsListener(files, 'no') });
    }, 30_000);
    afterAll(async () => {
      await server?.stop();
      await files?.remove();
    });

    it('tls - --tls-ca trusts the CA; without it, or with another CA, exit 1 naming the failure; --tls-ca with redis:// is a usage error', async () => {
      const prefix = `${uniqueName('cli-tls')}:`;
      const service = createEventService({ group: 'billing', redis: { url: server.url, tls: { ca: files.ca.cert } }, prefix, closeTimeoutMs: 10 });
      services.push(service);
      await service.produce(orders, 1, 2);
      const run = (...args: string[]) => runCli(cli.file, [...args, '--prefix', prefix]);
      expect(await run('streams', '--url', server.url, '--tls-ca', files.ca.certFile)).toEqual({ code: 0, stderr: '', stdout: 'STREAM  PARTITIONS  LENGTH  GROUPS  DEAD LETTERS\norders  1           2       -       0\n' });
      expect(await run('streams', '--url', server.url)).toEqual({ code: 1, stdout: '', stderr: `rx-redis-events: cannot connect to ${server.url}: self-signed certificate in certificate chain\n` });
      expect(await run('streams', '--url', server.url, '--tls-ca', files.otherCa.certFile)).toEqual({ code: 1, stdout: '', stderr: `rx-redis-events: cannot connect to ${server.url}: self-signed certificate in certificate chain\n` });
      expect(await run('streams', '--url', server.url, '--tls-ca', `${files.dir}/missing.crt`)).toEqual({ code: 1, stdout: '', stderr: `rx-redis-events: cannot read --tls-ca ${files.dir}/missing.crt: ENOENT: no such file or directory, open '${files.dir}/missing.crt'\n` });
      const plain = await run('streams', '--url', `redis://127.0.0.1:${server.port}`, '--tls-ca', files.ca.certFile);
      expect({ code: plain.code, first: plain.stderr.split('\n')[0] }).toEqual({ code: 2, first: `rx-redis-events: --tls-ca needs a rediss:// URL (TLS), got "redis://127.0.0.1:${server.port}"` });
    }, 60_000);
  });
});
