export { RxRedisEventsError, isRetriable, type RxRedisEventsErrorOptions } from './RxRedisEventsError';
export { EncodeError } from './EncodeError';
export { DecodeError } from './DecodeError';
export { MessageTooLargeError } from './MessageTooLargeError';
export { ServiceClosedError } from './ServiceClosedError';
export { TransportError, type TransportErrorCode, type TransportErrorOptions } from './TransportError';
export { TimeoutError, type Unreachable } from './TimeoutError';
export { ReplicationTimeoutError } from './ReplicationTimeoutError';
export { ValidationError, type ValidationPhase } from './ValidationError';
