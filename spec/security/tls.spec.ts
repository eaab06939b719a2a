import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { firstValueFrom, map, timeout } from 'rxjs';
import { autoAck, broadcastStream, createEventService, eventStream, TransportError, type EventService, type RedisUrlOptions } from '../../src';
import { collect, uniqueName } from '../conformance/helpers';
import { createAclUser } from '../support/acl';
import { startRedisServer, type RedisServer } from '../support/redisServer';
import { createTlsFiles, type TlsFiles } from '../support/tlsFiles';
import { tlsListener } from '../support/tlsRedisServer';
import { sleep } from '../support/eventually';

/** A TLS-only redis-server that requires client certificates, with a CA and certificates made by openssl for this file. */
describe('security - TLS', () => {
  let files: TlsFiles;
  let server: RedisServer;
  let services: EventService[] = [];
  beforeAll(async () => {
    files = await createTlsFiles();
    server = await startRedisServer({ listener: tlsListener(files) });
  });
  afterAll(async () => {
    await server?.stop();
    await files?.remove();
  });
  afterEach(async () => {
    await Promise.all(services.map((service) => service.close()));
    services = [];
  });

  const tls = (ca = files.ca) => ({ ca: ca.cert, cert: files.client.cert, key: files.client.key });
  const open = (redis: RedisUrlOptions, onError: (error: unknown) => void = () => undefined) => {
    const service = createEventService({ group: 'A', redis, prefix: `${uniqueName('tls')}:`, closeTimeoutMs: 300, onError });
    services.push(service);
    return service;
  };

  it('TLS - the server listens on TLS only, from certificates openssl made in a temp dir', () => {
    expect(server.url).toBe(`rediss://127.0.0.1:${server.port}`);
    expect(existsSync(files.ca.certFile) && existsSync(files.server.keyFile)).toBe(true);
    expect(files.ca.cert.toString()).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('TLS - produce, consume and broadcast over rediss:// with a CA and a client certificate (the reader and subscriber connections keep them)', async () => {
    const service = open({ url: server.url, tls: tls() });
    const numbers = eventStream<number>(uniqueName('n'));
    const channel = broadcastStream<string>(uniqueName('bc'));
    expect(await service.produce(numbers, 1, 2, 3)).toHaveLength(3);
    expect(await collect(service.consume(numbers, { from: 'start' }).pipe(autoAck(), map((d) => d.value)), 3)).toEqual([1, 2, 3]);
    const heard = firstValueFrom(service.listen(channel).pipe(timeout(5000)));
    await service.listening(channel);
    await service.broadcast(channel, 'over TLS');
    expect(await heard).toBe('over TLS');
  });

  it('TLS - an ACL user and password in the rediss:// URL', async () => {
    const admin = new Redis(server.url, { tls: tls() });
    const url = await createAclUser(admin, { user: 'billing', password: 'tls-secret', prefix: 'billing:' }, server.url);
    await admin.quit();
    expect(url).toBe(`rediss://billing:tls-secret@127.0.0.1:${server.port}`);
    const service = createEventService({ group: 'A', redis: { url, tls: tls() }, prefix: 'billing:', closeTimeoutMs: 300 });
    services.push(service);
    const numbers = eventStream<number>(uniqueName('n'));
    await service.produce(numbers, 7);
    expect(await collect(service.consume(numbers, { from: 'start' }).pipe(autoAck(), map((d) => d.value)), 1)).toEqual([7]);
    const intruder = open({ url: url.replace('tls-secret', 'wrong'), tls: tls() });
    const refused = await intruder.produce(numbers, 8).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TransportError);
    expect({ code: (refused as TransportError).code, retriable: (refused as TransportError).retriable }).toEqual({ code: 'WRONGPASS', retriable: false });
    expect((refused as TransportError).message).toBe('the broker failed during append: WRONGPASS invalid username-password pair or user is disabled.');
  });

  it('TLS - a CA that did not sign the server certificate: produce rejects, consume and listen error, naming the TLS failure, at once', async () => {
    const reported: unknown[] = [];
    const service = open({ url: server.url, tls: tls(files.otherCa) }, (error) => reported.push(error));
    const failure = "TLS failure, not reconnecting: the server's certificate is not accepted: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)";
    const started = Date.now();
    const produced = await service.produce(eventStream<number>(uniqueName('n')), 1).catch((error: unknown) => error);
    const consumed = await firstValueFrom(service.consume(eventStream<number>(uniqueName('n')))).catch((error: unknown) => error);
    const listened = await firstValueFrom(service.listen(broadcastStream<string>(uniqueName('bc')))).catch((error: unknown) => error);
    const broadcast = await service.broadcast(broadcastStream<string>(uniqueName('bc')), 'x').catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(3000);
    const outcomes = [produced, consumed, listened, broadcast] as TransportError[];
    expect(outcomes.map((error) => error instanceof TransportError && !error.retriable)).toEqual([true, true, true, true]);
    expect(outcomes.map((error) => error.code)).toEqual(['TLS', 'TLS', 'TLS', 'TLS']);
    expect(outcomes.map((error) => error.message)).toEqual(['append', 'ensureGroup', 'subscribe', 'publish'].map((operation) => `the broker at 127.0.0.1:${server.port} failed during ${operation}: ${failure}`));
    await sleep(200); // no reconnect attempts, nothing retried in the background
    expect(reported).toEqual([]);
  });
});
