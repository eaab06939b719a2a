import { createInterface } from 'node:readline';
import type { Output } from './output';

/** Asks `question` on stderr and reads a line from stdin: true for y or yes; false otherwise, at the end of input or on an interrupt. */
export function confirm(io: Output, question: string, interrupted: Promise<void>): Promise<boolean> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: io.in as NodeJS.ReadableStream, output: io.err, terminal: false });
    const answer = (yes: boolean) => (resolve(yes), lines.close());
    io.err.write(question);
    lines.once('line', (line) => answer(/^\s*y(es)?\s*$/i.test(line)));
    lines.once('close', () => resolve(false));
    void interrupted.then(() => answer(false));
  });
}
