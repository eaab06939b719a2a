import type { DeadLetterList, DeadLetterRow, ErrorBody, RedriveResult } from '../protocol';
import { byId, renderRows, setText } from './dom';
import { showValue } from './format';

/** Defined by /sse-decoder.js (`SSE_BROWSER_DECODER_JS`), loaded before this script. */
declare function decodeEventData(text: string): unknown;

const COLUMNS = [
  { field: 'id', className: 'mono' },
  { field: 'sourceId', className: 'mono' },
  { field: 'group' },
  { field: 'reason' },
  { field: 'deliveries', className: 'num' },
  { field: 'error' },
  { field: 'value', className: 'value' },
  { field: 'action' },
] as const;

/**
 * The dead letters of the selected stream, read again by `load()` (when the stream is chosen, when
 * its dead-letter count changes, after a redrive), with a redrive button per letter and one for all:
 * each asks `confirm()`, then POSTs, then shows the result. Without `--allow-redrive` the buttons
 * are disabled.
 */
export class DeadLetterTable {
  private stream: string | undefined;
  private loading = 0;
  private readonly body = byId<HTMLTableElement>('dead-letters').tBodies[0] as HTMLTableSectionElement;
  private readonly all = byId<HTMLButtonElement>('redrive-all');
  private readonly result = byId('redrive-result');

  constructor(private readonly allowRedrive: boolean) {
    this.all.title = allowRedrive ? 'Put every dead letter back on the stream' : 'Read-only: start the dashboard with --allow-redrive';
    this.all.addEventListener('click', () => void this.redrive(undefined));
  }

  /** Shows another stream's dead letters. */
  show(stream: string): void {
    this.stream = stream;
    this.body.replaceChildren();
    this.result.textContent = '';
    void this.load();
  }

  /** Reads the list again; a slower earlier read never overwrites a later one. */
  async load(): Promise<void> {
    const stream = this.stream;
    if (stream === undefined) return;
    const ticket = ++this.loading;
    try {
      const response = await fetch(`/api/streams/${encodeURIComponent(stream)}/dead-letters`, { cache: 'no-store' });
      const text = await response.text();
      if (ticket !== this.loading || stream !== this.stream) return;
      if (!response.ok) throw new Error((JSON.parse(text) as ErrorBody).error);
      this.render((decodeEventData(text) as DeadLetterList).letters);
    } catch (error) {
      if (ticket === this.loading) this.say(`could not read the dead letters: ${error instanceof Error ? error.message : String(error)}`, false);
    }
  }

  private render(letters: readonly DeadLetterRow[]): void {
    renderRows(this.body, COLUMNS, letters, (letter) => letter.id, (cells, letter) => {
      setText(cells.id as HTMLElement, letter.id);
      setText(cells.sourceId as HTMLElement, letter.sourceId);
      setText(cells.group as HTMLElement, letter.group);
      setText(cells.reason as HTMLElement, letter.reason);
      setText(cells.deliveries as HTMLElement, String(letter.deliveryCount));
      setText(cells.error as HTMLElement, letter.error);
      setText(cells.value as HTMLElement, letter.value === undefined ? '<not decoded>' : showValue(letter.value));
      const action = cells.action as HTMLElement;
      if (!action.firstChild) action.append(this.button(letter));
    });
    byId('no-dead-letters').hidden = letters.length > 0;
    this.all.disabled = !this.allowRedrive || letters.length === 0;
  }

  private button(letter: DeadLetterRow): HTMLButtonElement {
    const button = document.createElement('button');
    button.className = 'danger redrive';
    button.textContent = 'Redrive';
    button.disabled = !this.allowRedrive;
    button.title = this.allowRedrive ? `Put ${letter.id} back on the stream for group ${letter.group}` : 'Read-only: start the dashboard with --allow-redrive';
    button.addEventListener('click', () => void this.redrive(letter));
    return button;
  }

  /** Confirms, POSTs the redrive (of one letter, or all), shows the result and reads the list again. */
  private async redrive(letter: DeadLetterRow | undefined): Promise<void> {
    const stream = this.stream;
    if (stream === undefined || !this.allowRedrive) return;
    const what = letter ? `dead letter ${letter.id} (group ${letter.group})` : `every dead letter of ${stream}`;
    if (!confirm(`Redrive ${what} back onto the stream ${stream}?`)) return;
    try {
      const response = await fetch(`/api/streams/${encodeURIComponent(stream)}/redrive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(letter ? { ids: [letter.id] } : {}) });
      const body = (await response.json()) as RedriveResult | ErrorBody;
      if ('error' in body) throw new Error(body.error);
      const n = body.redriven.length;
      this.say(`Redriven ${n} dead letter${n === 1 ? '' : 's'} to ${body.stream}${n > 0 ? ` (new id${n === 1 ? '' : 's'} ${body.redriven.join(', ')})` : ''}.`, true);
    } catch (error) {
      this.say(`Redrive failed: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    await this.load();
  }

  private say(text: string, ok: boolean): void {
    this.result.textContent = text;
    this.result.className = ok ? 'ok' : 'failed';
  }
}
