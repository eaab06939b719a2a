export { eventStream, DEFAULT_IDEMPOTENCY_WINDOW_MS, type EventStream, type EventStreamOptions, type IdempotencyOptions, type RetentionOptions } from './definitions/eventStream';
export { broadcastStream, type BroadcastStream, type BroadcastStreamOptions } from './definitions/broadcastStream';
export type { StandardSchemaV1 } from './validation/StandardSchema';
export type { ValidationIssue } from './validation/checkValue';
export type { ListenOptions } from './broadcast/listenOptions';
export { createEventService } from './service/createEventService';
export { EventService } from './service/EventService';
export { DEFAULT_EVENT_SERVICE_OPTIONS, type EventServiceOptions, type DurabilityOptions } from './service/eventServiceOptions';
export { DEFAULT_CONSUME_OPTIONS, type ConsumeOptions, type EntryId } from './consumer/consumeOptions';
export type { Delivery, NackOptions } from './consumer/Delivery';
export type { ReadOptions, ReadPage, StreamEntry } from './service/readStream';
export { EventConsumer, type EventHandler } from './operators/EventConsumer';
export type { EventProducer } from './producer/EventProducer';
export { produceTo, type ProduceToConfig, type ProduceToService } from './producer/produceTo';
export { forwardTo, type ForwardToConfig, type ForwardOutcome, type ForwardToProjection, type DeliveredValue } from './producer/forwardTo';
export { batch, type BatchConfig, type DeliveryBatch } from './operators/batch';
export { ackAfter, type Settleable, type AckAfterConfig, type HandlingOutcome, type MaybeAsync } from './operators/ackAfter';
export { autoAck } from './operators/autoAck';
export type { ScheduleWhen } from './scheduling/scheduleWhen';
export type { ScheduledEvent, ScheduledListOptions } from './scheduling/ScheduledEvent';
export { DEFAULT_RETRY, type RetryConfig, type FixedRetry, type ExponentialRetry } from './operators/retryPolicy';
export type { DeadLetter, DeadLetterReason } from './deadLetters/DeadLetter';
export type { Codec, StreamCodec } from './codec/codecs';
export type { GroupStart } from './transport/StreamTransport';
export { DEFAULT_HISTORY_CONFIG, type HistoryConfig } from './service/history';
export { LIVE_CONSUMER_MS, type MoveGroupConfig, type RemoveGroupConfig } from './service/groupOperations';
export type { DeadLettersOptions, RedriveOptions } from './deadLetters/deadLetterOps';
export type {
  InstrumentationEvent,
  InstrumentationEventType,
  ConnectionRole,
  ConsumerDeliveredEvent,
  ConsumerAckedEvent,
  ConsumerNackedEvent,
  ConsumerClaimedEvent,
  ConsumerDeadLetteredEvent,
  ConsumerStuckEvent,
  ProducerProducedEvent,
  RetentionTrimmedEvent,
  ConnectionLostEvent,
  ConnectionRestoredEvent,
  ServiceErrorEvent,
} from './instrumentation/InstrumentationEvent';
export type { StreamDescription, PartitionDescription, GroupDescription, ConsumerDescription } from './describe/StreamDescription';
export type { ServiceHealth, ConnectionState, ConsumerHealth, ListenerHealth, HealthWarning, HealthWarningCode } from './health/ServiceHealth';
export { MemoryBroker, type MemoryBrokerOptions } from './transport/memory/MemoryBroker';
export type { RedisClientLike, RedisClusterLike, RedisClusterOptions, RedisConnectionOption, RedisUrlOptions } from './transport/redis/redisOption';
export { RxRedisEventsError, isRetriable, type RxRedisEventsErrorOptions, EncodeError, DecodeError, MessageTooLargeError, ServiceClosedError, TransportError, type TransportErrorCode, type TransportErrorOptions, TimeoutError, type Unreachable, ReplicationTimeoutError, ValidationError, type ValidationPhase, GroupNotFoundError, GroupInUseError } from './errors';
export type { Producing, HandlerResult, AckOutcome, Ackable } from './deprecatedNames';
