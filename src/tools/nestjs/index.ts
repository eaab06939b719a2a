export { RxRedisEventsServer, type RxRedisEventsServerOptions, type RxRedisEventsTransportEvents } from './RxRedisEventsServer';
export { RxRedisEventsClient, ClientClosedError, type RxRedisEventsClientOptions } from './RxRedisEventsClient';
export { RxRedisEventsContext, type RxRedisEventsContextArgs } from './RxRedisEventsContext';
export type { Definitions, PatternDefinitionsOptions } from './patternDefinitions';
export type { ReplyPacket, RequestEnvelope } from './requestEnvelope';
