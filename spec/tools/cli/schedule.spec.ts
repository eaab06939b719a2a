import { createEventService, eventStream, type EventService } from '../../../src';
import { idTime } from '../../../src/internal/streamId';
import { collect, uniqueName } from '../../conformance/helpers';
import { useRedisServer } from '../../support/useRedisServer';
import { buildCli, runCli } from './runCli';

const columns = (line: string | undefined) => (line ?? '').split(/ {2,}/);

describe('rx-redis-events CLI schedule and scheduled (built with the package tsup config, run as a child process)', () => {
  const redis = useRedisServer();
  let cli = '';
  let remove = (): Promise<void> => Promise.resolve();
  const services: EventService[] = [];
  let prefix = '';
  const run = (...args: string[]) => runCli(cli, [...args, '--prefix', prefix], { REDIS_URL: redis.server.url });
  const open = (group: string) => {
    const service = createEventService({ group, consumer: group.toLowerCase(), redis: redis.server.url, prefix, closeTimeoutMs: 10 });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    ({ file: cli, remove } = await buildCli());
  }, 60_000);
  afterAll(() => remove());
  beforeEach(() => {
    prefix = `${uniqueName('cli')}:`;
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  const reminders = eventStream<{ n: number }>('reminders');

  it('cli - schedule <stream> <ISO time> <json> --key prints the schedule id; scheduled lists it (table and --json), as service.scheduled does', async () => {
    const first = await run('schedule', 'reminders', '2030-01-01T09:00:00Z', '{"n":1}', '--key', 'u1');
    const second = await run('schedule', 'reminders', '2029-06-01T00:00:00Z', '{"n":2}', '--json');
    expect({ code: first.code, stderr: first.stderr, second: second.code }).toEqual({ code: 0, stderr: '', second: 0 });
    const id = first.stdout.trimEnd();
    const { id: secondId } = JSON.parse(second.stdout) as { id: string };
    expect(id).toMatch(/^0:[0-9a-f]{12}[0-9a-z]{10}$/);
    const listed = await run('scheduled', 'reminders');
    expect({ code: listed.code, rows: listed.stdout.trimEnd().split('\n').map(columns) }).toEqual({
      code: 0,
      rows: [
        ['ID', 'DUE', 'KEY', 'VALUE'],
        [secondId, '2029-06-01T00:00:00.000Z', '-', '{"n":2}'],
        [id, '2030-01-01T09:00:00.000Z', 'u1', '{"n":1}'],
      ],
    });
    const asJson = await run('scheduled', 'reminders', '--json', '--limit', '1');
    expect(JSON.parse(asJson.stdout)).toEqual([{ id: secondId, dueAt: '2029-06-01T00:00:00.000Z', key: null, value: { n: 2 } }]);
    expect((await open('A').scheduled(reminders)).map((event) => [event.id, event.dueAt.toISOString(), event.key, event.value])).toEqual([
      [secondId, '2029-06-01T00:00:00.000Z', undefined, { n: 2 }],
      [id, '2030-01-01T09:00:00.000Z', 'u1', { n: 1 }],
    ]);
  });

  it('cli - schedule <stream> 300ms <json>: a consuming service gets it no earlier than 300 ms after; then nothing is listed', async () => {
    const consumer = open('A');
    const arriving = collect(consumer.consume(reminders, { from: 'start' }), 1, 10_000);
    const before = Date.now();
    const scheduled = await run('schedule', 'reminders', '300ms', '{"n":3}');
    expect(scheduled.code).toBe(0);
    const [delivery] = await arriving;
    expect(delivery?.value).toEqual({ n: 3 });
    expect(idTime(delivery?.id as string).getTime()).toBeGreaterThanOrEqual(before + 300);
    await delivery?.ack();
    expect((await run('scheduled', 'reminders')).stdout).toBe('nothing scheduled on reminders\n');
  });

  it('cli - schedule with a <when> that is neither a time nor a delay, or without a value: usage on stderr, exit 2, nothing stored', async () => {
    const bad = await run('schedule', 'reminders', 'tomorrow', '{"n":1}');
    expect({ code: bad.code, first: bad.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: <when> must be an ISO 8601 time (2030-01-01T09:00:00Z) or a delay (1500ms, 90s, 5m, 2h, 1d), got "tomorrow"' });
    const missing = await run('schedule', 'reminders', '5m');
    expect({ code: missing.code, first: missing.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: schedule takes a stream name, a time or delay, and a JSON value' });
    const help = await run('scheduled', '--help');
    expect({ code: help.code, first: help.stdout.split('\n')[0] }).toEqual({ code: 0, first: 'Usage: rx-redis-events scheduled <stream> [--limit <n>] [--json]' });
    expect((await run('scheduled', 'reminders')).stdout).toBe('nothing scheduled on reminders\n');
  });
});
