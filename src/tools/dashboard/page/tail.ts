import { byId } from './dom';
import { idTime, showValue } from './format';

/** Defined by /sse-decoder.js (`SSE_BROWSER_DECODER_JS`), loaded before this script. */
declare function decodeEventData(text: string): unknown;

/** Most entries the tail keeps on the page (the newest on top). */
const MAX_ROWS = 50;

/**
 * The live tail of one stream: an `EventSource` on `…/tail` (the server starts with the last entries;
 * the browser resumes with `Last-Event-ID` after a reconnection), each entry prepended as a row.
 * Returns how to stop it.
 */
export function followTail(stream: string, partitions: number): () => void {
  const body = byId<HTMLTableElement>('tail').tBodies[0] as HTMLTableSectionElement;
  const note = byId('tail-note');
  body.replaceChildren();
  if (partitions > 1) {
    note.textContent = `The tail follows unpartitioned streams; ${stream} has ${partitions} partitions.`;
    note.hidden = false;
    return () => undefined;
  }
  note.textContent = 'Waiting for events…';
  note.hidden = false;
  const source = new EventSource(`/api/streams/${encodeURIComponent(stream)}/tail`);
  source.addEventListener('entry', (message: MessageEvent<string>) => {
    const { data, lastEventId } = message;
    let text: string;
    try {
      text = showValue(decodeEventData(data));
    } catch (error) {
      text = `<not decodable: ${error instanceof Error ? error.message : String(error)}>`;
    }
    const row = body.insertRow(0);
    row.dataset.key = lastEventId;
    for (const [field, value, className] of [['id', lastEventId, 'mono'], ['produced', idTime(lastEventId), 'mono'], ['value', text, 'value']] as const) {
      const cell = row.insertCell();
      cell.dataset.field = field;
      cell.className = className;
      cell.textContent = value;
    }
    while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
    note.hidden = true;
  });
  source.addEventListener('end', () => source.close());
  return () => source.close();
}
