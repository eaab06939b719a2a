import { catchError, concatMap, endWith, from, map, of, takeWhile, throwError, type Observable } from 'rxjs';
import { broadcastStream, EncodeError, MessageTooLargeError, type EventService } from '../../index';
import type { ReplyEnvelope } from './requestEnvelope';

type Packet = Omit<ReplyEnvelope, 'id'>;

/**
 * **Cold.** Publishes what a handler returns to the requesting client, in order: each value a reply,
 * then the end (or the error); completes once the last reply is published. A reply that cannot be
 * encoded (or is over `maxMessageBytes`) ends the answer with an RPC error saying so; a failure to
 * publish errors (the request is then nacked and answered again later).
 */
export function answerRequest(service: EventService, request: { readonly id: string; readonly replyTo: string }, result: Observable<unknown>): Observable<void> {
  const replies = broadcastStream<ReplyEnvelope>(request.replyTo);
  const publish = (packet: Packet) => from(service.broadcast(replies, { id: request.id, ...packet }));
  return result.pipe(
    map((response): Packet => ({ response })),
    endWith<Packet>({ isDisposed: true }),
    catchError((err: unknown) => of<Packet>({ err, isDisposed: true })),
    concatMap((packet) =>
      publish(packet).pipe(
        map(() => !packet.isDisposed),
        catchError((error: unknown) => {
          if (!(error instanceof EncodeError || error instanceof MessageTooLargeError)) return throwError(() => error);
          return publish({ err: { status: 'error', message: `the reply cannot be sent: ${error.message}` }, isDisposed: true }).pipe(map(() => false));
        }),
      ),
    ),
    takeWhile((more) => more),
    map(() => undefined),
  );
}
