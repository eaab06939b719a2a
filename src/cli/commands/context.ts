import type { Cluster, Redis } from 'ioredis';
import { createEventService } from '../../service/createEventService';
import type { EventService } from '../../service/EventService';
import { readByTools } from '../../codec/displayCodec';
import { eventStream, type EventStream } from '../../definitions/eventStream';
import type { DiscoveredStream } from '../../partitions/discoverStreams';
import { findStreams } from '../../transport/redis/findStreams';
import { UsageError } from '../args';
import { connect, targetOf, type Target, type TargetOptions } from '../connection';
import { messageOf, type Output } from '../output';

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
export async function withRedis<R>(values: TargetOptions, env: NodeJS.ProcessEnv, io: Output, work: (redis: Redis | Cluster, target: Target, service: () => EventService) => Promise<R>, group = 'rx-redis-events-cli', consumer = 'cli'): Promise<R> {
  const target = targetOf(values, env);
  const redis = await connect(target);
  let service: EventService | undefined;
  try {
    return await work(redis, target, () => (service ??= createEventService({ group, consumer, redis, prefix: target.prefix, closeTimeoutMs: 1000, onError: (error) => io.err.write(`rx-redis-events: ${messageOf(error)}\n`) })));
  } finally {
    await service?.close();
    redis.disconnect();
  }
}

/** A stream named on the command line that has no key under the prefix: exit code 1. */
export class StreamNotFound extends Error {
  override name = 'StreamNotFound';
  constructor(name: string, prefix: string) {
    super(`no stream ${JSON.stringify(name)} under the prefix ${JSON.stringify(prefix)}`);
  }
}

/**
 * The stream called `name` as its keys show it (with its partitions and existing keys), or a
 * {@link StreamNotFound}: a typo must not look like an empty stream.
 */
export async function existingStream(redis: Redis | Cluster, prefix: string, name: string): Promise<DiscoveredStream> {
  const [found] = await findStreams(redis, prefix, { name });
  if (!found) throw new StreamNotFound(name, prefix);
  return { ...found, stream: readByTools(found.stream) };
}

/** The definition of a stream named on the command line; an invalid name is a usage error. */
export function streamNamed(name: string, usage: string): EventStream<unknown> {
  try {
    return eventStream<unknown>(name);
  } catch (error) {
    throw new UsageError(messageOf(error), usage);
  }
}
