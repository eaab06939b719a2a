import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declaredModule, type DeclaredModule } from '../support/declaredModule';
import { BUILD_TIMEOUT_MS, ENTRY_POINTS, ensureBuilt, node, ROOT } from '../support/builtPackage';

/**
 * Every name each subpath of the built package exports. A new export, or one gone, fails here:
 * change these lists on purpose, and say it in the CHANGELOG.
 */
const PUBLIC: Record<(typeof ENTRY_POINTS)[number], { readonly values: readonly string[]; readonly types: readonly string[]; readonly deprecated: readonly string[] }> = {
  index: {
    values: [
      'DEFAULT_CONSUME_OPTIONS', 'DEFAULT_EVENT_SERVICE_OPTIONS', 'DEFAULT_HISTORY_CONFIG', 'DEFAULT_IDEMPOTENCY_WINDOW_MS', 'DEFAULT_RETRY',
      'DecodeError', 'EncodeError', 'EventConsumer', 'EventService', 'GroupInUseError', 'GroupNotFoundError', 'LIVE_CONSUMER_MS', 'MemoryBroker',
      'MessageTooLargeError', 'ReplicationTimeoutError', 'RxRedisEventsError', 'ServiceClosedError', 'TimeoutError', 'TransportError', 'ValidationError',
      'ackAfter', 'autoAck', 'batch', 'broadcastStream', 'createEventService', 'eventStream', 'forwardTo', 'isRetriable', 'produceTo',
    ],
    types: [
      'AckAfterConfig', 'AckOutcome', 'Ackable', 'BatchConfig', 'BroadcastStream', 'BroadcastStreamOptions', 'Codec', 'ConnectionLostEvent',
      'ConnectionRestoredEvent', 'ConnectionRole', 'ConnectionState', 'ConsumeOptions', 'ConsumerAckedEvent', 'ConsumerClaimedEvent',
      'ConsumerDeadLetteredEvent', 'ConsumerDeliveredEvent', 'ConsumerDescription', 'ConsumerHealth', 'ConsumerNackedEvent', 'ConsumerStuckEvent',
      'DeadLetter', 'DeadLetterReason', 'DeadLettersOptions', 'DeliveredValue', 'Delivery', 'DeliveryBatch', 'DurabilityOptions', 'EntryId',
      'EventHandler', 'EventProducer', 'EventServiceOptions', 'EventStream', 'EventStreamOptions', 'ExponentialRetry', 'FixedRetry', 'ForwardOutcome',
      'ForwardToConfig', 'ForwardToProjection', 'GroupDescription', 'GroupStart', 'HandlerResult', 'HandlingOutcome', 'HealthWarning',
      'HealthWarningCode', 'HistoryConfig', 'IdempotencyOptions', 'InstrumentationEvent', 'InstrumentationEventType', 'ListenOptions',
      'ListenerHealth', 'MaybeAsync', 'MemoryBrokerOptions', 'MoveGroupConfig', 'NackOptions', 'PartitionDescription', 'ProduceToConfig',
      'ProduceToService', 'ProducerProducedEvent', 'Producing', 'ReadOptions', 'ReadPage', 'RedisClientLike', 'RedisClusterLike',
      'RedisClusterOptions', 'RedisConnectionOption', 'RedisUrlOptions', 'RedriveOptions', 'RemoveGroupConfig', 'RetentionOptions',
      'RetentionTrimmedEvent', 'RetryConfig', 'RxRedisEventsErrorOptions', 'ScheduleWhen', 'ScheduledEvent', 'ScheduledListOptions',
      'ServiceErrorEvent', 'ServiceHealth', 'Settleable', 'StandardSchemaV1', 'StreamCodec', 'StreamDescription', 'StreamEntry',
      'TransportErrorCode', 'TransportErrorOptions', 'Unreachable', 'ValidationIssue', 'ValidationPhase',
    ],
    deprecated: ['AckOutcome', 'Ackable', 'HandlerResult', 'Producing'],
  },
  testing: {
    values: ['createFakeDelivery', 'createTestEventService', 'createTestScheduler', 'expectAcks', 'expectDeadLetters', 'expectNacks', 'fakeDeliveries'],
    types: [
      'AckCall', 'AcksExpectation', 'DeadLetterCall', 'DeadLettersExpectation', 'FakeDeliveriesOptions', 'FakeDeliveryFields', 'FakeDeliveryStream',
      'NackCall', 'NacksExpectation', 'SettleCall', 'SubscriptionLog', 'TestEventService', 'TestEventServiceOptions',
    ],
    deprecated: [],
  },
  http: {
    values: [
      'DEFAULT_EVENT_STREAM_SSE_CONFIG', 'DEFAULT_SSE_CONFIG', 'SSE_BROWSER_DECODER_JS', 'SSE_DECODER_SOURCE', 'SSE_HEADERS', 'eventStreamSseResponse',
      'observableSseResponse', 'serveEventStream', 'serveEventStreamSse', 'serveObservableSse', 'serveSse',
    ],
    types: ['EventStreamSseConfig', 'SlowClientPolicy', 'SseCloseReason', 'SseConfig', 'SseConnection', 'SseEncoding'],
    deprecated: ['SSE_DECODER_SOURCE', 'serveEventStream', 'serveSse'],
  },
  nestjs: {
    values: ['ClientClosedError', 'RxRedisEventsClient', 'RxRedisEventsContext', 'RxRedisEventsServer'],
    types: [
      'PatternDefinitionsOptions', 'ReplyEnvelope', 'RequestEnvelope', 'RxRedisEventsClientOptions', 'RxRedisEventsContextArgs',
      'RxRedisEventsServerOptions', 'RxRedisEventsTransportEvents', 'StreamDefinitions',
    ],
    deprecated: [],
  },
};

/** Names of the library's insides: none may appear anywhere in the shipped types. */
const INTERNAL_NAMES = [
  'ResolvedEventServiceOptions', 'ServiceTransports', 'PRODUCE_KEYED', 'GivenKeys', 'KeyedProducing', 'MemoryStream', 'MemoryLeases', 'MemoryRecords',
  'existingStream', 'DEAD_LETTER_SUFFIX', 'AUTO_TRIM_INTERVAL_MS', 'EntryFields', 'StandardSchemaProps', 'StandardSchemaResult', 'StandardSchemaIssue',
  'InferSchemaInput', 'InferSchemaOutput',
];

const specifier = (entry: string) => (entry === 'index' ? 'rx-redis-events' : `rx-redis-events/${entry}`);
const list = (names: string) => `console.log(JSON.stringify(Object.fromEntries(${names}.map(([entry, lib]) => [entry, Object.keys(lib).sort()]))))`;
const cjs = `require('reflect-metadata'); ${list(`${JSON.stringify(ENTRY_POINTS.map((entry) => [entry, specifier(entry)]))}.map(([entry, name]) => [entry, require(name)])`)}`;
const esm = `import 'reflect-metadata'; ${ENTRY_POINTS.map((entry, i) => `import * as lib${i} from '${specifier(entry)}';`).join(' ')} ${list(`[${ENTRY_POINTS.map((entry, i) => `['${entry}', lib${i}]`).join(', ')}]`)}`;

describe('package - the public exports of every subpath of the built package', () => {
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

  const expectedValues = Object.fromEntries(ENTRY_POINTS.map((entry) => [entry, PUBLIC[entry].values]));

  it('package - require() gets exactly the listed values from each subpath', () => {
    expect(JSON.parse(node(['-e', cjs]))).toEqual(expectedValues);
  });

  it('package - import gets exactly the listed values from each subpath', () => {
    expect(JSON.parse(node(['--input-type=module', '-e', esm]))).toEqual(expectedValues);
  });

  describe.each(ENTRY_POINTS.flatMap((entry) => ['d.ts', 'd.mts'].map((extension) => [`${entry}.${extension}`, entry] as const)))('package - dist/%s', (file, entry) => {
    let declared: DeclaredModule;
    beforeAll(() => {
      declared = declaredModule(join(ROOT, 'dist', file));
    });

    it('package - declares exactly the listed values and types', () => {
      expect(declared.names).toEqual([...PUBLIC[entry].values, ...PUBLIC[entry].types].sort());
    });

    it('package - marks exactly the listed aliases @deprecated', () => {
      expect(declared.deprecated).toEqual(PUBLIC[entry].deprecated);
    });
  });

  it('package - EventService has no public constructor, MemoryBroker shows only its public members', () => {
    for (const file of ['index.d.ts', 'index.d.mts']) {
      const declared = declaredModule(join(ROOT, 'dist', file));
      expect(declared.membersOf('EventService')).not.toContain('constructor');
      expect(declared.membersOf('MemoryBroker')).toEqual(['constructor', 'now', 'publish', 'subscribe', 'subscriberCount']);
    }
  });

  it('package - no shipped declaration file names an internal', () => {
    const files = readdirSync(join(ROOT, 'dist')).filter((file) => file.endsWith('.d.ts') || file.endsWith('.d.mts'));
    const found = files.flatMap((file) => {
      const text = readFileSync(join(ROOT, 'dist', file), 'utf8');
      return INTERNAL_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(text)).map((name) => `${file}: ${name}`);
    });
    expect(files.length).toBeGreaterThanOrEqual(ENTRY_POINTS.length * 2);
    expect(found).toEqual([]);
  });
});
