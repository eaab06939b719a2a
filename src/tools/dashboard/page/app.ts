/**
 * The dashboard page's script (compiled at package build into dist/dashboard-app.global.js): the
 * streams table, updated live from `GET /api/overview` (SSE); the selected stream (`#<name>` in the
 * address, else the first) with its groups, dead letters and live tail.
 */
import type { DashboardConfig, Overview, StreamSummary } from '../protocol';
import { DeadLetterTable } from './deadLetters';
import { byId, renderRows, setText } from './dom';
import { count, duration } from './format';
import { followTail } from './tail';

const config = JSON.parse(byId('config').textContent ?? '{}') as DashboardConfig;
const deadLetters = new DeadLetterTable(config.allowRedrive);
let streams: readonly StreamSummary[] = [];
let selected: { readonly stream: string; readonly deadLetters: number; readonly stopTail: () => void } | undefined;

byId('target').textContent = `${config.url}${config.prefix ? `  prefix ${config.prefix}` : ''}`;
const mode = byId('mode');
mode.textContent = config.allowRedrive ? 'redrive allowed' : 'read-only';
mode.classList.toggle('write', config.allowRedrive);
byId('poll').textContent = `figures read every ${config.pollMs / 1000}s`;

const STREAM_COLUMNS = [{ field: 'stream' }, { field: 'length', className: 'num' }, { field: 'groups' }, { field: 'consumers', className: 'num' }, { field: 'pending', className: 'num' }, { field: 'lag', className: 'num' }, { field: 'deadLetters', className: 'num' }, { field: 'lastId', className: 'mono' }];
const GROUP_COLUMNS = [{ field: 'name' }, { field: 'consumers', className: 'num' }, { field: 'pending', className: 'num' }, { field: 'lag', className: 'num' }, { field: 'lastDeliveredId', className: 'mono' }, { field: 'oldestPending', className: 'num' }, { field: 'deadLetters', className: 'num' }];

const overview = new EventSource('/api/overview');
overview.addEventListener('overview', (message) => show(JSON.parse(message.data as string) as Overview));
overview.addEventListener('open', () => status('live', 'live'));
overview.addEventListener('error', () => status('down', 'reconnecting…'));
overview.addEventListener('end', () => (overview.close(), status('down', 'dashboard stopped')));
window.addEventListener('hashchange', () => select());

function status(state: 'live' | 'down', text: string): void {
  const element = byId('status');
  element.className = `status ${state}`;
  element.textContent = text;
}

function show(next: Overview): void {
  streams = next.streams;
  if (next.connection === 'lost') status('down', 'Redis connection lost');
  else status('live', 'live');
  byId('warnings').replaceChildren(...next.warnings.map((warning) => Object.assign(document.createElement('p'), { textContent: `${warning.code}: ${warning.message}` })));
  const error = byId('poll-error');
  error.hidden = next.error === null;
  error.textContent = next.error === null ? '' : `The last reading failed: ${next.error}`;
  byId('updated').textContent = new Date(next.at).toLocaleTimeString('en-GB');
  byId('no-streams').hidden = streams.length > 0;
  renderRows(byId<HTMLTableElement>('streams').tBodies[0] as HTMLTableSectionElement, STREAM_COLUMNS, streams, (row) => row.stream, (cells, row) => {
    const name = cells.stream as HTMLElement;
    if (!name.firstChild) name.append(Object.assign(document.createElement('a'), { href: `#${encodeURIComponent(row.stream)}`, textContent: row.stream }));
    setText(cells.length as HTMLElement, count(row.length));
    setText(cells.groups as HTMLElement, row.groups.map((group) => group.name).join(', ') || '-');
    setText(cells.consumers as HTMLElement, count(row.consumers));
    setText(cells.pending as HTMLElement, count(row.pending));
    setText(cells.lag as HTMLElement, count(row.lag));
    setText(cells.deadLetters as HTMLElement, count(row.deadLetters));
    (cells.deadLetters as HTMLElement).classList.toggle('alert', row.deadLetters > 0);
    setText(cells.lastId as HTMLElement, row.lastId ?? '-');
  });
  select();
}

/** Shows the stream named in the address (else the first one): its groups, dead letters and tail. */
function select(): void {
  const wanted = decodeURIComponent(location.hash.slice(1));
  const row = streams.find((candidate) => candidate.stream === wanted) ?? (wanted === '' ? streams[0] : undefined);
  for (const element of Array.from(byId<HTMLTableElement>('streams').tBodies[0]?.rows ?? [])) element.classList.toggle('selected', element.dataset.key === row?.stream);
  byId('selected').hidden = row === undefined;
  if (!row) return;
  if (selected?.stream !== row.stream) {
    selected?.stopTail();
    byId('selected-name').textContent = row.stream;
    byId<HTMLTableElement>('groups').tBodies[0]?.replaceChildren();
    deadLetters.show(row.stream);
    selected = { stream: row.stream, deadLetters: row.deadLetters, stopTail: followTail(row.stream, row.partitions) };
  } else if (selected.deadLetters !== row.deadLetters) {
    selected = { ...selected, deadLetters: row.deadLetters };
    void deadLetters.load();
  }
  byId('no-groups').hidden = row.groups.length > 0;
  renderRows(byId<HTMLTableElement>('groups').tBodies[0] as HTMLTableSectionElement, GROUP_COLUMNS, row.groups, (group) => group.name, (cells, group) => {
    setText(cells.name as HTMLElement, group.name);
    setText(cells.consumers as HTMLElement, count(group.consumers));
    setText(cells.pending as HTMLElement, count(group.pending));
    setText(cells.lag as HTMLElement, count(group.lag));
    setText(cells.lastDeliveredId as HTMLElement, group.lastDeliveredId);
    setText(cells.oldestPending as HTMLElement, duration(group.oldestPendingAgeMs));
    setText(cells.deadLetters as HTMLElement, count(group.deadLetters));
  });
}
