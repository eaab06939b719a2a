import { request } from 'node:http';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createEventService, eventStream, type EventService } from '../../../src';
import { collect, uniqueName } from '../../conformance/helpers';
import { runCli } from '../cli/runCli';
import { useRedisServer } from '../../support/useRedisServer';
import { buildDashboardCli, launchChromium, startDashboard, type RunningDashboard } from './dashboardKit';
import { eventually, eventuallyEqual } from '../../support/eventually';

interface Order {
  n: number;
  at: Date;
}
const order = (n: number): Order => ({ n, at: new Date(Date.UTC(2025, 0, 1, 12, 0, n)) });
const shown = (n: number) => `{ n: ${n}, at: 2025-01-01T12:00:0${n}.000Z }`;
const orders = eventStream<Order>('orders', { key: (o) => `o${o.n}` });
const ROOT = join(__dirname, '../../..');

describe('rx-redis-events dashboard (built CLI, real Chromium through playwright-core)', () => {
  const redis = useRedisServer();
  let cli = '';
  let remove = (): Promise<void> => Promise.resolve();
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const dashboards: RunningDashboard[] = [];
  const services: EventService[] = [];

  beforeAll(async () => {
    // both run to their end, so that afterAll can clean up after either when the other fails
    const [built, launched] = await Promise.allSettled([buildDashboardCli(), launchChromium()]);
    if (built.status === 'fulfilled') ({ file: cli, remove } = built.value);
    if (launched.status === 'fulfilled') browser = launched.value;
    for (const outcome of [built, launched]) if (outcome.status === 'rejected') throw outcome.reason;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await remove();
  });
  afterEach(async () => {
    await Promise.all(dashboards.splice(0).map((dashboard) => dashboard.cli.stop('SIGKILL')));
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  /** orders: o1..o3, group billing acked o1 and o3 and dead-lettered o2, group audit read nothing; payments: one event. */
  async function scenario(prefix: string) {
    const service = createEventService({ group: 'billing', consumer: 'billing-1', redis: redis.server.url, prefix, closeTimeoutMs: 10 });
    services.push(service);
    const ids = await service.produce(orders, order(1), order(2), order(3));
    await service.produce(eventStream<number>('payments'), 7);
    await redis.admin.xgroup('CREATE', `${prefix}orders`, 'audit', '0');
    const deliveries = await collect(service.consume(orders, { from: 'start', maxDeliveries: 1 }), 3);
    await Promise.all(deliveries.map((delivery) => (delivery.value.n === 2 ? delivery.nack() : delivery.ack())));
    await eventually('the dead letter', async () => (await service.deadLetters(orders)).length === 1);
    await eventually('the acks', async () => (await service.describe(orders)).groups.find((group) => group.name === 'billing')?.pending === 0);
    return { service, ids };
  }

  const dashboardArgs = (prefix: string, ...more: string[]) => ['--url', redis.server.url, '--prefix', prefix, ...more];
  const open = async (dashboard: RunningDashboard, hash: string) => {
    const page = await (browser as NonNullable<typeof browser>).context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${dashboard.url}${hash}`);
    return { page, errors };
  };
  const cells = (page: Page, table: string, key: string) => page.locator(`#${table} tbody tr[data-key="${key}"] td`).allTextContents();
  const column = (page: Page, table: string, field: string) => page.locator(`#${table} tbody td[data-field="${field}"]`).allTextContents();

  it('dashboard - live figures without a reload, the tail of a stream, and a dead letter redriven with the button', async () => {
    const prefix = 'shop:'; // the server is this file's own; a fixed prefix keeps the Operating guide's screenshot stable
    const { service, ids } = await scenario(prefix);
    const dashboard = await startDashboard(cli, dashboardArgs(prefix, '--allow-redrive'));
    dashboards.push(dashboard);
    const { page, errors } = await open(dashboard, '#orders');
    let navigations = 0;
    page.on('framenavigated', (frame) => void (frame === page.mainFrame() && navigations++));

    expect(await page.locator('#mode').textContent()).toBe('redrive allowed');
    // STREAM LENGTH GROUPS CONSUMERS PENDING LAG DEAD-LETTERS LAST-ID
    await eventuallyEqual('the orders row of the streams table', () => cells(page, 'streams', 'orders'), ['orders', '3', 'audit, billing', '1', '0', '3', '1', ids[2] as string], 15_000);
    await eventuallyEqual('the values of the tail', () => column(page, 'tail', 'value'), [shown(3), shown(2), shown(1)], 15_000);
    await eventuallyEqual('the values of the dead letters', () => column(page, 'dead-letters', 'value'), [shown(2)], 15_000);
    const [letter] = await service.deadLetters(orders);
    expect(await cells(page, 'dead-letters', letter?.id as string)).toEqual([letter?.id, ids[1], 'billing', 'max-deliveries', '1', 'nacked', shown(2), 'Redrive']);

    const more = await service.produce(orders, order(4), order(5));
    await eventuallyEqual('the orders row of the streams table', () => cells(page, 'streams', 'orders'), ['orders', '5', 'audit, billing', '1', '0', '7', '1', more[1] as string], 15_000);
    // GROUP CONSUMERS PENDING LAG LAST-DELIVERED OLDEST-PENDING DEAD-LETTERS
    expect(await cells(page, 'groups', 'audit')).toEqual(['audit', '0', '0', '5', '0-0', '-', '0']);
    expect(await cells(page, 'groups', 'billing')).toEqual(['billing', '1', '0', '2', ids[2], '-', '1']);
    await eventuallyEqual('the values of the tail', () => column(page, 'tail', 'value'), [shown(5), shown(4), shown(3), shown(2), shown(1)], 15_000);
    expect(await column(page, 'tail', 'id')).toEqual([more[1], more[0], ids[2], ids[1], ids[0]]);
    expect(await cells(page, 'streams', 'payments')).toEqual(['payments', '1', '-', '0', '0', '0', '0', expect.stringMatching(/^\d+-0$/) as unknown]);
    expect(navigations).toBe(0);

    await mkdir(join(ROOT, 'artifacts'), { recursive: true });
    const screenshot = join(ROOT, 'artifacts', 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true, animations: 'disabled' });
    console.log(`dashboard screenshot: ${screenshot}`);
    if (process.env.UPDATE_GUIDE_SCREENSHOT === '1') await copyFile(screenshot, join(ROOT, 'assets', 'dashboard.png'));

    const dialogs: string[] = [];
    page.once('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.accept()));
    await page.locator(`#dead-letters tbody tr[data-key="${letter?.id}"] button`).click();
    await eventuallyEqual('no row in the dead-letters table', () => page.locator('#dead-letters tbody tr').count(), 0, 15_000);
    expect(dialogs).toEqual([`Redrive dead letter ${letter?.id} (group billing) back onto the stream orders?`]);
    const redriven = (await redis.admin.xrevrange(`${prefix}orders`, '+', '-', 'COUNT', 1))[0]?.[0] as string;
    await eventuallyEqual('the redrive result', () => page.locator('#redrive-result').textContent(), `Redriven 1 dead letter to orders (new id ${redriven}).`, 15_000);
    expect(await page.locator('#no-dead-letters').isVisible()).toBe(true);
    await eventuallyEqual('the orders row of the streams table', () => cells(page, 'streams', 'orders'), ['orders', '6', 'audit, billing', '1', '0', '9', '0', redriven], 15_000);
    await eventuallyEqual('the values of the tail', () => column(page, 'tail', 'value'), [shown(2), shown(5), shown(4), shown(3), shown(2), shown(1)], 15_000);
    expect(await service.deadLetters(orders)).toEqual([]);
    expect({ navigations, errors }).toEqual({ navigations: 0, errors: [] });

    expect(await dashboard.cli.stop('SIGTERM')).toBe(0);
    expect(dashboard.cli.stderr).toBe('dashboard: stopping\n');
    await page.close();
  }, 60_000);

  it('dashboard - read-only by default: the redrive buttons are disabled and the endpoint answers 403; loopback Host only; SIGINT stops it', async () => {
    const prefix = `${uniqueName('dashboard')}:`;
    const { service } = await scenario(prefix);
    const dashboard = await startDashboard(cli, dashboardArgs(prefix));
    dashboards.push(dashboard);
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(dashboard.cli.lines).toEqual([`dashboard: ${dashboard.url} (read-only; Ctrl-C stops it)`]);
    const { page, errors } = await open(dashboard, '');
    expect(await page.locator('#mode').textContent()).toBe('read-only');
    const [letter] = await service.deadLetters(orders);
    const button = page.locator(`#dead-letters tbody tr[data-key="${letter?.id}"] button`);
    await button.waitFor({ timeout: 15_000 });
    expect({ disabled: await button.isDisabled(), title: await button.getAttribute('title'), all: await page.locator('#redrive-all').isDisabled() }).toEqual({ disabled: true, title: 'Read-only: start the dashboard with --allow-redrive', all: true });

    const post = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, dashboard.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ ids: [letter?.id] }) });
    const refused = await post('api/streams/orders/redrive');
    expect({ status: refused.status, body: await refused.json() }).toEqual({ status: 403, body: { error: 'redrive is disabled: start the dashboard with --allow-redrive' } });
    const crossSite = await post('api/streams/orders/redrive', { origin: 'http://evil.example' });
    expect({ status: crossSite.status, body: await crossSite.json() }).toEqual({ status: 403, body: { error: 'cross-origin request refused' } });
    expect((await fetch(new URL('api/streams/orders/redrive', dashboard.url))).status).toBe(405);
    expect((await fetch(new URL('api/streams/nothing/dead-letters', dashboard.url))).status).toBe(404);
    expect(await statusWithHost(dashboard.url, 'rebound.example:80')).toBe(403);
    expect(await statusWithHost(dashboard.url, `localhost:${new URL(dashboard.url).port}`)).toBe(200);
    expect(await service.deadLetters(orders)).toHaveLength(1);
    expect(errors).toEqual([]);

    expect(await dashboard.cli.stop('SIGINT')).toBe(0);
    await expect(fetch(dashboard.url)).rejects.toThrow('fetch failed');
    await page.close();
  }, 60_000);

  it('dashboard - --help, and bad options are usage errors (exit 2)', async () => {
    const help = await runCli(cli, ['dashboard', '--help']);
    expect({ code: help.code, first: help.stdout.split('\n')[0] }).toEqual({ code: 0, first: 'Usage: rx-redis-events dashboard [--port <n>] [--host <h>] [--allow-redrive] [--poll-ms <ms>]' });
    const badPort = await runCli(cli, ['dashboard', '--port', 'x']);
    expect({ code: badPort.code, first: badPort.stderr.split('\n')[0] }).toEqual({ code: 2, first: 'rx-redis-events: --port must be a positive integer, got "x"' });
    const unreachable = await runCli(cli, ['dashboard', '--url', 'redis://127.0.0.1:1', '--port', '0']);
    expect({ code: unreachable.code, stderr: unreachable.stderr }).toEqual({ code: 1, stderr: 'rx-redis-events: cannot connect to redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n' });
  });
});

/** The status of `GET /` sent with this Host header (fetch cannot set it). */
function statusWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    })
      .once('error', reject)
      .end();
  });
}
