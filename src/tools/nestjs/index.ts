export { RxRedisEventsServer, type RxRedisEventsServerOptions, type RxRedisEventsTransportEvents } from './RxRedisEventsServer';
export { RxRedisEventsClient, ClientClosedError, type RxRedisEventsClientOptions } from './RxRedisEventsClient';
export { RxRedisEventsContext, type RxRedisEventsContextArgs } from './RxRedisEventsContext';
export type { StreamDefinitions, PatternDefinitionsOptions } from './patternDefinitions';
export type { ReplyEnvelope, RequestEnvelope } from './requestEnvelope';
