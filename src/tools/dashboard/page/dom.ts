/** Small DOM helpers of the page: elements by id, cells that flash when their number changes, keyed rows. */

/** The element with this id (the page has them all). */
export function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const element = document.getElementById(id);
  if (!element) throw new Error(`dashboard page: no #${id}`);
  return element as E;
}

/** Sets a cell's text; a cell whose text changes (after the first time) flashes. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent === text) return;
  const first = !element.hasAttribute('data-shown');
  element.textContent = text;
  element.setAttribute('data-shown', '');
  if (first) return;
  element.classList.remove('changed');
  void element.offsetWidth; // restart the animation
  element.classList.add('changed');
}

/** A column of a keyed table: its field name (the cell's `data-field`) and class. */
export interface Column {
  readonly field: string;
  readonly className?: string;
}

/**
 * Updates a table body in place: one row per key (`data-key`), in the given order; rows of keys no
 * longer there are removed, cells are only touched when their text changes (so that they flash and
 * the row under the pointer stays put).
 */
export function renderRows<R>(body: HTMLTableSectionElement, columns: readonly Column[], rows: readonly R[], keyOf: (row: R) => string, fill: (cells: Record<string, HTMLTableCellElement>, row: R) => void): void {
  const existing = new Map<string, HTMLTableRowElement>();
  for (const row of Array.from(body.rows)) existing.set(row.dataset.key ?? '', row);
  rows.forEach((row, index) => {
    const key = keyOf(row);
    let element = existing.get(key);
    existing.delete(key);
    if (!element) {
      element = document.createElement('tr');
      element.dataset.key = key;
      for (const column of columns) {
        const cell = element.insertCell();
        cell.dataset.field = column.field;
        if (column.className) cell.className = column.className;
      }
    }
    if (body.rows[index] !== element) body.insertBefore(element, body.rows[index] ?? null);
    const cells: Record<string, HTMLTableCellElement> = {};
    for (const cell of Array.from(element.cells)) cells[cell.dataset.field ?? ''] = cell;
    fill(cells, row);
  });
  for (const stale of existing.values()) stale.remove();
}
