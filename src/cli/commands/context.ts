import type { Redis } from 'ioredis';
import { createEventService } from '../../service/createEventService';
import type { EventService } from '../../service/EventService';
import { eventStream, type EventStream } from '../../definitions/eventStream';
import { UsageError } from '../args';
import { connect, targetOf, type Target } from '../connection';
import type { Output } from '../output';

/** What a command gets: its arguments (after the command name), the environment, and where to write. */
export interface CommandContext {
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io: Output;
  /** Resolves when the user interrupts (SIGINT/SIGTERM). */
  readonly interrupted: Promise<void>;
}

/** A command: resolves with its exit code. */
export type Command = (ctx: CommandContext) => Promise<number>;

/** Connects to the target, runs `work` with the connection and a service on it, then closes both. */
export async function withRedis<R>(values: { url?: string; prefix?: string }, env: NodeJS.ProcessEnv, io: Output, work: (redis: Redis, target: Target, service: () => EventService) => Promise<R>, group = 'rx-redis-events-cli', consumer = 'cli'): Promise<R> {
  const target = targetOf(values, env);
  const redis = await connect(target.url);
  let service: EventService | undefined;
  try {
    return await work(redis, target, () => (service ??= createEventService({ group, consumer, redis, prefix: target.prefix, closeTimeoutMs: 1000, onError: (error) => io.err.write(`rx-redis-events: ${error instanceof Error ? error.message : String(error)}\n`) })));
  } finally {
    await service?.close();
    redis.disconnect();
  }
}

/** The definition of a stream named on the command line; an invalid name is a usage error. */
export function streamNamed(name: string, usage: string): EventStream<unknown> {
  try {
    return eventStream<unknown>(name);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.replace(/^rx-redis-events: /, '') : String(error), usage);
  }
}
