import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDashboard } from '../../dashboard/dashboardServer';
import PAGE_HTML from '../../dashboard/page/index.html';
import { createEventService } from '../../../service/createEventService';
import { expectPositionals, parseCommand, positiveInteger, UsageError } from '../args';
import { connect, shownUrl, targetOf } from '../connection';
import { messageOf } from '../output';
import type { Command } from './context';

export const DASHBOARD_USAGE = `Usage: rx-redis-events dashboard [--port <n>] [--host <h>] [--allow-redrive] [--poll-ms <ms>]

Serves a live web page: the streams under the prefix with length, groups, consumers, pending, lag and
dead letters (refreshed every --poll-ms over Server-Sent Events), a live tail of one stream, and its
dead letters. Runs until interrupted (Ctrl-C).
  --port <n>         port to listen on (default 8377; 0 for any free port)
  --host <h>         interface to listen on (default 127.0.0.1: only this machine can open the page)
  --allow-redrive    enable the redrive buttons (by default the dashboard is read-only and the
                     redrive endpoint answers 403)
  --poll-ms <ms>     time between two readings of the figures (default 1000)`;

const OPTIONS = { port: { type: 'string' }, host: { type: 'string' }, 'allow-redrive': { type: 'boolean' }, 'poll-ms': { type: 'string' } } as const;
/** The compiled page script, next to cli.js in dist/. */
const APP_SCRIPT = 'dashboard-app.global.js';

/** `dashboard`: serves the live dashboard until interrupted. */
export const dashboard: Command = async ({ args, env, io, interrupted }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, DASHBOARD_USAGE);
  if (values.help) return void io.out.write(`${DASHBOARD_USAGE}\n`), 0;
  expectPositionals(positionals, 0, 'dashboard takes no arguments', DASHBOARD_USAGE);
  const port = values.port === '0' ? 0 : positiveInteger(values.port, 'port', 8377, DASHBOARD_USAGE);
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`, DASHBOARD_USAGE);
  const pollMs = positiveInteger(values['poll-ms'], 'poll-ms', 1000, DASHBOARD_USAGE);
  const host = values.host ?? '127.0.0.1';
  const allowRedrive = values['allow-redrive'] === true;
  const target = targetOf(values, env);
  const appScript = await readFile(join(__dirname, APP_SCRIPT), 'utf8').catch(() => {
    throw new Error(`the dashboard page is missing (${join(__dirname, APP_SCRIPT)}): build the package with npm run build`);
  });
  (await connect(target)).disconnect(); // fail at once when Redis cannot be reached; then reconnect as a service does
  const redis = await connect(target, { failFast: false }); // errors are reported through the page (connection lost) and the failing polls
  const report = (error: unknown) => void io.err.write(`rx-redis-events: ${messageOf(error)}\n`);
  const service = createEventService({ group: 'rx-redis-events-dashboard', consumer: 'dashboard', redis: redis.client, prefix: target.prefix, closeTimeoutMs: 1000, onError: report });
  const dashboard = createDashboard({ service, redis, prefix: target.prefix, url: shownUrl(target), allowRedrive, host, pageHtml: PAGE_HTML, appScript, pollMs, onError: report });
  try {
    await new Promise<void>((resolve, reject) => {
      dashboard.server.once('error', reject);
      dashboard.server.listen(port, host, resolve);
    });
    const address = dashboard.server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    io.out.write(`dashboard: http://${shown}:${address.port}/ (${allowRedrive ? 'redrive allowed' : 'read-only'}; Ctrl-C stops it)\n`);
    await interrupted;
    io.err.write('dashboard: stopping\n');
  } finally {
    await dashboard.close();
    await service.close();
    redis.disconnect();
  }
  return 0;
};
