import { firstValueFrom } from 'rxjs';
import { broadcastStream, createEventService, eventStream, TransportError, type EventService } from '../../src';
import { uniqueName } from '../conformance/helpers';
import { createAclUser } from '../support/acl';
import { useRedisServer } from '../support/useRedisServer';

/** A service whose ACL user is scoped to another prefix: every operation fails at once, typed and not retriable. */
describe('security - a user scoped to another prefix', () => {
  const redis = useRedisServer();
  let service: EventService;
  let reported: unknown[];
  beforeEach(async () => {
    const url = await createAclUser(redis.admin, { user: 'inventory', password: 'secret', prefix: 'inventory:' }, redis.server.url);
    reported = [];
    service = createEventService({ group: 'orders', redis: url, prefix: 'orders:', closeTimeoutMs: 300, onError: (error) => reported.push(error) });
  });
  afterEach(() => service.close());

  /**
   * The error `settle` fails with, with the parts a caller looks at: the operation, the code the
   * transport classified it as, whether it is retriable, and the error code the server's reply starts with (its wording differs between Redis
   * 7.0, 7.4 and Valkey: `NOPERM this user has no permissions to access one of the keys used as
   * arguments`, `NOPERM No permissions to access a key`).
   */
  const failureOf = async (settle: Promise<unknown>) => {
    const error = await settle.then(() => undefined, (thrown: unknown) => thrown);
    if (!(error instanceof TransportError)) throw new Error(`expected a TransportError, got ${String(error)}`);
    const [, operation, code] = /^the broker failed during (\S+): ([A-Z]+) /.exec(error.message) ?? [];
    return { operation: error.operation, code: error.code, retriable: error.retriable, message: { operation, code } };
  };
  const refused = (operation: string) => ({ operation, code: 'NOPERM', retriable: false, message: { operation, code: 'NOPERM' } });

  it('permissions - produce rejects with a non-retriable TransportError naming NOPERM, for one event (XADD) and many (EVAL)', async () => {
    const stream = eventStream<number>(uniqueName('n'));
    expect(await failureOf(service.produce(stream, 1))).toEqual(refused('append'));
    expect(await failureOf(service.produce(stream, 1, 2, 3))).toEqual(refused('append'));
    expect(await redis.admin.exists(`orders:${stream.name}`)).toBe(0);
  });

  it('permissions - consume errors the Observable at once instead of retrying', async () => {
    const started = Date.now();
    expect(await failureOf(firstValueFrom(service.consume(eventStream<number>(uniqueName('n')))))).toEqual(refused('ensureGroup'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(reported).toEqual([]);
  });

  it('permissions - listen errors the Observable, listening() rejects, broadcast rejects', async () => {
    const channel = broadcastStream<string>(uniqueName('bc'));
    const listened = failureOf(firstValueFrom(service.listen(channel)));
    expect(await failureOf(service.listening(channel))).toEqual(refused('subscribe'));
    expect(await listened).toEqual(refused('subscribe'));
    expect(await failureOf(service.broadcast(channel, 'x'))).toEqual(refused('publish'));
    expect(reported).toEqual([]);
  });

  it('permissions - reading dead letters rejects the same way', async () => {
    expect(await failureOf(service.deadLetters(eventStream<number>(uniqueName('n'))))).toEqual(refused('readDeadLetters'));
  });
});
