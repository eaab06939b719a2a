import type { WritePacket } from '@nestjs/microservices';

/** The key of a request envelope that carries the correlation id and the reply address. */
export const REQUEST_FIELD = '$request';

/** Prefix of the broadcast channel each client receives its replies on (`<prefix>nestjs.replies.<consumer>`). */
export const REPLY_CHANNEL_PREFIX = 'nestjs.replies.';

/**
 * What `RxRedisEventsClient.send` appends to the stream: the data, and where the answer goes.
 * An event (`emit`) is appended as its data alone, so other consumers of the stream read plain values.
 */
export interface RequestEnvelope {
  readonly [REQUEST_FIELD]: { readonly id: string; readonly replyTo: string };
  readonly data: unknown;
}

/** The reply to a {@link RequestEnvelope}, published on the client's reply channel: NestJS's `WritePacket` with the request's id. */
export interface ReplyEnvelope extends Pick<WritePacket, 'err' | 'response' | 'isDisposed'> {
  readonly id: string;
}

/** Whether a stream value is a request sent by `RxRedisEventsClient.send` (and not an event). */
export function isRequestEnvelope(value: unknown): value is RequestEnvelope {
  if (typeof value !== 'object' || value === null || !(REQUEST_FIELD in value) || !('data' in value)) return false;
  const request = (value as { [REQUEST_FIELD]: unknown })[REQUEST_FIELD];
  if (typeof request !== 'object' || request === null) return false;
  const { id, replyTo } = request as { id?: unknown; replyTo?: unknown };
  return typeof id === 'string' && typeof replyTo === 'string';
}
