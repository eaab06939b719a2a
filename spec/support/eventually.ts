/**
 * How specs wait in real time, in one place: {@link eventually} polls a condition until a deadline,
 * {@link eventuallyEqual} polls a value until it equals what is expected, and {@link sleep} lets real
 * time pass (for a spec that checks that something does *not* happen meanwhile).
 *
 * Use these for what a spec cannot observe as an event (a count on a server, a process's output,
 * the state of a cluster); when a value arrives on an Observable, wait on the Observable instead.
 *
 * @example
 * await eventually('both groups on every partition', async () => (await groupsOf(stream)).length === 2);
 * await eventually('the victim to process 150 events', () => processed.length >= 150, { timeoutMs: 20_000, detail: () => fleet.describe() });
 * await eventuallyEqual('the dashboard tail', () => column(page, 'tail'), ['3', '2', '1'], 15_000);
 */
import { inspect, isDeepStrictEqual } from 'node:util';

/** How long and how often {@link eventually} and {@link eventuallyEqual} poll. */
export interface EventuallyConfig {
  /** How long to poll before failing, in ms (default {@link DEFAULT_EVENTUALLY_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** Real time between the end of one check and the next, in ms (default {@link DEFAULT_EVENTUALLY_INTERVAL_MS}). */
  readonly intervalMs?: number;
  /** The state to add to the failure message, asked once, when the deadline has passed. */
  readonly detail?: () => string | Promise<string>;
}

export const DEFAULT_EVENTUALLY_TIMEOUT_MS = 5000;
export const DEFAULT_EVENTUALLY_INTERVAL_MS = 10;

/**
 * Resolves as soon as `condition` returns (or resolves to) true, checking at once and then every
 * `intervalMs`; rejects after `timeoutMs` with `timed out after <timeoutMs> ms waiting for <what>`
 * and the `detail`, if given. A condition that throws ends the wait with its error.
 *
 * @param what What is awaited, as it reads after "waiting for" in the failure message.
 * @param condition The check, called once per poll.
 * @param config A number is `timeoutMs`.
 */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, config: number | EventuallyConfig = {}): Promise<void> {
  const { timeoutMs, intervalMs, detail } = withDefaults(config);
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(await failure(timeoutMs, what, detail));
    await sleep(intervalMs);
  }
}

/**
 * Resolves as soon as `read()` equals `expected` (deeply, as `isDeepStrictEqual` of `node:util`
 * compares); rejects after `timeoutMs` naming `what`, the last value read and `expected`.
 *
 * @param what What is awaited, as it reads after "waiting for" in the failure message.
 * @param read Reads the current value, once per poll.
 * @param expected The value to wait for.
 * @param config A number is `timeoutMs`.
 */
export async function eventuallyEqual<T>(what: string, read: () => T | Promise<T>, expected: T, config: number | EventuallyConfig = {}): Promise<void> {
  const settings = withDefaults(config);
  let last: T | undefined;
  const mismatch = async () => {
    const state = await settings.detail();
    return `still ${inspect(last)}, expected ${inspect(expected)}${state ? `; ${state}` : ''}`;
  };
  await eventually(what, async () => isDeepStrictEqual((last = await read()), expected), { ...settings, detail: mismatch });
}

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withDefaults(config: number | EventuallyConfig): Required<EventuallyConfig> {
  const { timeoutMs = DEFAULT_EVENTUALLY_TIMEOUT_MS, intervalMs = DEFAULT_EVENTUALLY_INTERVAL_MS, detail = () => '' } = typeof config === 'number' ? { timeoutMs: config } : config;
  return { timeoutMs, intervalMs, detail };
}

async function failure(timeoutMs: number, what: string, detail: () => string | Promise<string>): Promise<string> {
  const state = await detail();
  return `timed out after ${timeoutMs} ms waiting for ${what}${state ? `: ${state}` : ''}`;
}
