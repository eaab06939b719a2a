/** One character of a diagram at one frame: a letter, `|`, `#`, `^` or `!`. */
export interface MarbleEvent {
  readonly frame: number;
  readonly char: string;
}

/** A diagram written from events. */
export interface RenderedMarbles {
  /** The run-mode diagram, such as `---a-(bc)`. */
  readonly marbles: string;
  /** False when some event could not be placed at its frame (it follows a group that is still open then, or its frame is not an integer). */
  readonly faithful: boolean;
  /** The events by frame, such as `3:a 5:(bc)`: exact even when the diagram is not. */
  readonly byFrame: string;
}

/** Gaps of at least this many frames are written as a time progression (` 25ms `) in run mode. */
export const LONG_GAP = 20;

/**
 * Writes events (in frame order) as a marble diagram that parses back to the same frames: one
 * character per frame, simultaneous events grouped as `(bc)` at the frame of `(` (the group then
 * takes its length in frames), and long gaps as `Nms` when `progressions` is on (run mode).
 */
export function renderMarbles(events: readonly MarbleEvent[], progressions = true): RenderedMarbles {
  const groups = groupByFrame(events);
  let marbles = '';
  let cursor = 0;
  let faithful = true;
  for (const { frame, chars } of groups) {
    if (Number.isInteger(frame) && frame >= cursor) marbles += gap(frame - cursor, marbles === '', progressions);
    else faithful = false;
    marbles += group(chars);
    cursor = Math.max(cursor, frame) + group(chars).length;
  }
  return { marbles, faithful, byFrame: groups.map(({ frame, chars }) => `${frame}:${group(chars)}`).join(' ') };
}

function groupByFrame(events: readonly MarbleEvent[]): { frame: number; chars: string }[] {
  const groups: { frame: number; chars: string }[] = [];
  for (const { frame, char } of events) {
    const last = groups[groups.length - 1];
    if (last && last.frame === frame) last.chars += char;
    else groups.push({ frame, chars: char });
  }
  return groups;
}

function group(chars: string): string {
  return chars.length === 1 ? chars : `(${chars})`;
}

function gap(frames: number, atStart: boolean, progressions: boolean): string {
  if (!progressions || frames < LONG_GAP) return '-'.repeat(frames);
  return `${atStart ? '' : ' '}${frames}ms `;
}
