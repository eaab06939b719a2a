import type { EventService, EventServiceOptions } from '../../src';
import type { StreamCapability, StreamTransport } from '../../src/transport/StreamTransport';

/** What a backend can do, for tests that only make sense on some backends. */
export interface BackendFeatures {
  /** The backend can count server-side commands (to check ack coalescing). */
  readonly commandStats: boolean;
  /** The optional capabilities its stream transport declares (`StreamTransport.capabilities`): a suite that relies on one runs only with it. */
  readonly capabilities: readonly StreamCapability[];
}

/** The capabilities `transport` declares, by name. */
export function declaredCapabilities(transport: StreamTransport): StreamCapability[] {
  const { capabilities } = transport;
  return (Object.keys(capabilities) as StreamCapability[]).filter((name) => capabilities[name] !== undefined).sort();
}

/** One test's view of a backend: services on a fresh key space, and probes into the broker. */
export interface BackendContext {
  /** Creates a service on this test's key space (closeTimeoutMs 300 unless given); closed after the test. */
  createService(options: Omit<EventServiceOptions, 'redis' | 'broker' | 'prefix'>): EventService;
  /** Pending entries of a group on a stream (by stream name). */
  pendingCount(stream: string, group: string): Promise<number>;
  /** Broker subscriptions to a broadcast channel (by channel name). */
  subscriptionCount(channel: string): Promise<number>;
  /** Appends an entry with raw fields, as another client could (by stream name). */
  appendRaw(stream: string, fields: Record<string, string>): Promise<string>;
  /** Number of entries in a stream (by key, without prefix). */
  streamLength(stream: string): Promise<number>;
  /** How many times the broker ran a command so far (only with `features.commandStats`). */
  commandCount(command: string): Promise<number>;
  /** The server the services connect to (`server.address`, `server.port` of their trace spans); none in memory. */
  readonly server?: { readonly address: string; readonly port: number };
}

/** A backend under the conformance suite. */
export interface ConformanceBackend {
  readonly name: string;
  readonly features: BackendFeatures;
  /** Called once per file. */
  start(): Promise<void>;
  /** Called once per file. */
  stop(): Promise<void>;
  /** Called once per test. */
  context(): BackendContext;
  /** Called after each test: closes the test's services. */
  cleanup(): Promise<void>;
}
