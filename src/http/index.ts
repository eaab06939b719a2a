export { serveSse } from './serveSse';
export { serveEventStream, DEFAULT_EVENT_STREAM_SSE_CONFIG, type EventStreamSseConfig } from './serveEventStream';
export { DEFAULT_SSE_CONFIG, type SseConfig } from './sseConfig';
export { SSE_HEADERS, type SseConnection, type SseCloseReason } from './SseChannel';
export type { SseEncoding } from './sseFrames';
export type { SlowClientPolicy } from './SseWriter';
export { SSE_DECODER_SOURCE } from './browserDecoder';
export type { StreamEntry, ReadPage, ReadOptions } from '../service/readStream';
