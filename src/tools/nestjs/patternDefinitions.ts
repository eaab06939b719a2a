import { eventStream, type BroadcastStream, type EventStream } from '../../index';

/** Stream definitions, found by their `name`: an array, or a container object (`{ placed: eventStream('orders.placed') }`, keys ignored). */
export type StreamDefinitions<D> = Readonly<Record<string, D>> | readonly D[];

/** The stream definitions of patterns that need options; shared by the server and the client. */
export interface PatternDefinitionsOptions {
  /**
   * `eventStream` definitions for patterns that need options (partitions, a key, retention), found by
   * their `name`. A pattern without a definition is `eventStream(pattern)`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- definitions of any value type
  readonly streams?: StreamDefinitions<EventStream<any>>;
  /** `broadcastStream` definitions: a pattern naming one of them is live pub/sub (listened to, no acks). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- definitions of any value type
  readonly broadcasts?: StreamDefinitions<BroadcastStream<any>>;
}

/** What a pattern names: an event stream or a broadcast stream. */
export type PatternTarget =
  | { readonly kind: 'eventStream'; readonly stream: EventStream<unknown> }
  | { readonly kind: 'broadcastStream'; readonly broadcast: BroadcastStream<unknown> };

/** Finds the definition a NestJS pattern names; validates the definitions once, at construction. */
export class PatternDefinitions {
  private readonly targets = new Map<string, PatternTarget>();

  constructor(options: PatternDefinitionsOptions, owner: string) {
    for (const stream of listOf(options.streams, 'streams', owner)) {
      if (stream?.kind !== 'eventStream') throw new TypeError(`rx-redis-events/nestjs: ${owner} option streams must hold eventStream definitions, got ${describe(stream)}`);
      this.add(stream.name, { kind: 'eventStream', stream }, owner);
    }
    for (const broadcast of listOf(options.broadcasts, 'broadcasts', owner)) {
      if (broadcast?.kind !== 'broadcastStream') throw new TypeError(`rx-redis-events/nestjs: ${owner} option broadcasts must hold broadcastStream definitions, got ${describe(broadcast)}`);
      this.add(broadcast.name, { kind: 'broadcastStream', broadcast }, owner);
    }
  }

  /** The definition named by `pattern` (a normalized NestJS pattern); a plain event stream when none is given. */
  resolve(pattern: string): PatternTarget {
    let target = this.targets.get(pattern);
    if (target) return target;
    try {
      target = { kind: 'eventStream', stream: eventStream<unknown>(pattern) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TypeError(`rx-redis-events/nestjs: the pattern ${JSON.stringify(pattern)} must be a stream name (${reason})`, { cause: error });
    }
    this.targets.set(pattern, target);
    return target;
  }

  private add(name: string, target: PatternTarget, owner: string): void {
    if (this.targets.has(name)) throw new TypeError(`rx-redis-events/nestjs: ${owner} has two definitions named "${name}"`);
    this.targets.set(name, target);
  }
}

function listOf<D>(definitions: StreamDefinitions<D> | undefined, option: string, owner: string): readonly D[] {
  if (definitions === undefined) return [];
  if (typeof definitions !== 'object' || definitions === null) {
    throw new TypeError(`rx-redis-events/nestjs: ${owner} option ${option} must be an object or an array of definitions, got ${describe(definitions)}`);
  }
  return Array.isArray(definitions) ? (definitions as readonly D[]) : Object.values(definitions);
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? JSON.stringify(value) : typeof value;
}
