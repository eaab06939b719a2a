import { isDeepStrictEqual } from 'node:util';
import type { TestScheduler } from 'rxjs/testing';
import type { MarbleLabel } from './marbleLabels';
import { MarbleLetters, valueOf, type TestMessage } from './marbleLetters';
import { preview } from './preview';
import { renderMarbles, type MarbleEvent, type RenderedMarbles } from './renderMarbles';

type SubscriptionLog = ReturnType<typeof TestScheduler.parseMarblesAsSubscriptions>;

/** What is known about an expectation when its comparison fails. */
export interface MismatchContext {
  /** Title and value writing; default title `observable differs`. */
  readonly label?: MarbleLabel;
  /** The expected diagram as written (`toBe`), to recover its letters. */
  readonly marbles?: string;
  /** The values map given to `toBe`. */
  readonly values?: unknown;
  /** Whether the expectation was made in run mode (one frame per character, time progressions). */
  readonly runMode: boolean;
  /** Virtual time of one character outside run mode (`TestScheduler.frameTimeFactor`). */
  readonly frameSize: number;
}

/** The message of a failed marble comparison: expected and actual as aligned diagrams, with what they hide. */
export function describeMismatch(actual: unknown, expected: unknown, context: MismatchContext): string {
  const items: unknown[] = [actual, expected].flatMap((side) => (Array.isArray(side) ? (side as unknown[]) : [side]));
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (items.every(isSubscriptionLog)) return describeSubscriptions(actual as SubscriptionLog[], expected as SubscriptionLog[], context);
    if (items.every(isTestMessage)) return describeMessages(actual as TestMessage[], expected as TestMessage[], context);
  }
  return ['values differ', `  expected: ${preview(expected, 200)}`, `  actual:   ${preview(actual, 200)}`].join('\n');
}

function describeMessages(actual: TestMessage[], expected: TestMessage[], context: MismatchContext): string {
  const letters = new MarbleLetters(expected, context);
  const unknown: string[] = [];
  const toEvent = (message: TestMessage, char: string): MarbleEvent => ({ frame: message.frame / context.frameSize, char });
  const expectedEvents = expected.map((message, index) => toEvent(message, letters.expected[index] ?? '?'));
  const actualEvents = actual.map((message, index) => {
    const event = toEvent(message, letters.ofActual(message, index));
    if (event.char === '?') unknown.push(`  ? at frame ${event.frame}: ${preview(valueOf(message))}`);
    return event;
  });
  const sides = { expected: renderMarbles(expectedEvents, context.runMode), actual: renderMarbles(actualEvents, context.runMode) };
  const details = context.label?.details ?? (() => '');
  const lines = diagramLines(sides, { expected: details(expected.map(valueOf)), actual: details(actual.map(valueOf)) });
  if (unknown.length > 0) lines.push(...unknown, ...letters.legendOfMissing(actualEvents.map((event) => event.char)));
  lines.push(...errorLines(actual, expected));
  if (lines.length === 2 && lines[0]?.replace('expected: ', '') === lines[1]?.replace('actual:   ', '')) {
    lines.push('  (the diagrams look alike; the notifications differ)', `  expected: ${preview(expected, 300)}`, `  actual:   ${preview(actual, 300)}`);
  }
  return [context.label?.title ?? 'observable differs', ...lines].join('\n');
}

function describeSubscriptions(actual: SubscriptionLog[], expected: SubscriptionLog[], context: MismatchContext): string {
  const render = (log: SubscriptionLog) => {
    const events = [{ frame: log.subscribedFrame / context.frameSize, char: '^' }];
    if (log.unsubscribedFrame !== Infinity) events.push({ frame: log.unsubscribedFrame / context.frameSize, char: '!' });
    return renderMarbles(events, context.runMode).marbles;
  };
  const side = (name: string, logs: SubscriptionLog[]) =>
    (logs.length === 0 ? [''] : logs.map(render)).map((marbles, index) => `  ${index === 0 ? name : ''}`.padEnd(12) + marbles);
  return ['subscriptions differ', ...side('expected:', expected), ...side('actual:', actual)].map((line) => line.trimEnd()).join('\n');
}

/** The two aligned diagram lines, each followed by its details (if any), and lines by frame when a diagram is not exact. */
function diagramLines(sides: { expected: RenderedMarbles; actual: RenderedMarbles }, details: { expected: string; actual: string }): string[] {
  const width = Math.max(sides.expected.marbles.length, sides.actual.marbles.length);
  const line = (name: string, marbles: string, detail: string) => `  ${name}${detail ? `${marbles.padEnd(width)}  ${detail}` : marbles}`.trimEnd();
  const lines = [line('expected: ', sides.expected.marbles, details.expected), line('actual:   ', sides.actual.marbles, details.actual)];
  if (!sides.expected.faithful || !sides.actual.faithful) {
    lines.push(`  expected by frame: ${sides.expected.byFrame}`, `  actual by frame:   ${sides.actual.byFrame}`);
  }
  return lines;
}

/** The error of the actual `#` when it is not the expected one. */
function errorLines(actual: TestMessage[], expected: TestMessage[]): string[] {
  const [error] = errorsOf(actual);
  const [wanted] = errorsOf(expected);
  if (!error) return [];
  if (!wanted) return [`  actual error: ${preview(error.error)}`];
  return isDeepStrictEqual(error.error, wanted.error) ? [] : [`  expected error: ${preview(wanted.error)}`, `  actual error:   ${preview(error.error)}`];
}

function errorsOf(messages: TestMessage[]): { error: unknown }[] {
  return messages.flatMap(({ notification }) => (notification.kind === 'E' ? [{ error: notification.error as unknown }] : []));
}

function isTestMessage(item: unknown): item is TestMessage {
  return typeof item === 'object' && item !== null && typeof (item as TestMessage).frame === 'number' && typeof (item as TestMessage).notification === 'object';
}

function isSubscriptionLog(item: unknown): item is SubscriptionLog {
  return typeof item === 'object' && item !== null && typeof (item as SubscriptionLog).subscribedFrame === 'number';
}
