/** Where the CLI writes: stdout for results, stderr for progress and errors; and where it reads answers (stdin). */
export interface Output {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
  readonly in?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/**
 * Whether escape codes (colours, a bar redrawn in place) may go to `stream`: only to a terminal, and
 * never with `NO_COLOR` set to anything but the empty string (https://no-color.org) or `TERM=dumb`.
 */
export function escapesOn(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** An error's message for a `rx-redis-events: ...` line (without the library's own `rx-redis-events: ` in front). */
export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^rx-redis-events: /, '');
}

/** Renders rows as a table: a header line, columns padded to their widest cell, two spaces apart. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** `name  value` lines, names padded to the longest. */
export function fields(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([name]) => name.length));
  return pairs.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n') + '\n';
}

/** JSON for output: `undefined` fields become `null`, Maps objects, Sets arrays, BigInts strings. */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === undefined) return null;
    if (typeof item === 'bigint') return item.toString();
    if (item instanceof Map) return Object.fromEntries(item as Map<unknown, unknown>) as unknown;
    if (item instanceof Set) return [...(item as Set<unknown>)];
    return item;
  });
}

/** A duration in ms as `1.2s`, `3m04s`, `2h05m`; `-` for undefined. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${(ms / 1000).toFixed(1)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
}

/**
 * Progress of a long operation on stderr: a bar redrawn in place on a terminal (at most every 100 ms),
 * otherwise (or with `NO_COLOR`) one plain line per `update` (callers update per chunk, not per item).
 */
export class Progress {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly err: Output['err'],
    private readonly label: string,
    private readonly total: number | undefined,
    /** Whether the bar is redrawn in place (see {@link escapesOn}); otherwise plain lines. */
    private readonly escapes: boolean,
  ) {}

  update(done: number): void {
    const text = this.total === undefined ? `${this.label}: ${done}` : `${this.label}: ${done}/${this.total}`;
    if (!this.escapes) return void this.err.write(`${text}\n`);
    const now = performance.now();
    if (this.drawn && now - this.lastDraw < 100 && done !== this.total) return;
    this.lastDraw = now;
    this.drawn = true;
    const bar = this.total ? `[${'#'.repeat(Math.round((20 * done) / this.total)).padEnd(20, '.')}] ` : '';
    this.err.write(`\r\x1b[2K${bar}${text}`);
  }

  /** Ends the bar's line on a TTY. */
  done(): void {
    if (this.escapes && this.drawn) this.err.write('\n');
  }
}
