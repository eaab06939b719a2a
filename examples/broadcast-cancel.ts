/**
 * UCloud's websocket cancellation over a broadcasting stream: a client's cancel request reaches
 * whichever gateway instance happens to receive it, so that instance broadcasts it and the instance
 * holding the websocket session ends it. Live listeners get every message; late ones never see old ones.
 *
 * Run: `EXAMPLE=broadcast-cancel npm run example` (in memory) or with `REDIS_URL=redis://...` for Redis.
 */
import { Redis } from 'ioredis';
import { Subject, filter, firstValueFrom, interval, map, take, takeUntil, takeWhile, timeout, toArray, type Observable } from 'rxjs';
import { MemoryBroker, broadcastStream, createEventService, type EventService } from 'rx-redis-events';

// #region stream
/** Ends the websocket session whose stream id matches, on whichever instance holds it. */
export const CancelWebSocket = broadcastStream<{ streamId: string }>('ws.cancel');
// #endregion stream

/** What the run observed, for the example's spec. */
export interface BroadcastCancelSummary {
  sessions: number;
  /** Sessions ended by a broadcast cancel, sorted. */
  cancelled: string[];
  /** Sessions still open when the cancels had been handled. */
  stillOpen: number;
  /** Stream ids a listener that subscribed after the cancels received: only the message sent after it subscribed. */
  lateListenerReceived: string[];
  /** Broker subscriptions to the channel while 5 sessions listened on 2 instances: one per instance. */
  brokerSubscriptions: number;
  errors: number;
}

// #region session
/** A websocket session: the job's output, streamed until a cancel for its stream id arrives. */
function openSession(gateway: EventService, streamId: string, ended: Subject<string>) {
  const cancelled = gateway.listen(CancelWebSocket).pipe(filter((message) => message.streamId === streamId));
  const output: Observable<string> = interval(50).pipe(map((n) => `${streamId}: output line ${n}`));
  return output.pipe(takeUntil(cancelled)).subscribe({
    next: () => undefined, // a real session writes each line to its websocket
    complete: () => ended.next(streamId),
  });
}
// #endregion session

export async function main(env: { redisUrl?: string; log?: (line: string) => void } = {}): Promise<BroadcastCancelSummary> {
  const log = env.log ?? console.log;
  const errors: unknown[] = [];
  const broker = env.redisUrl ? undefined : new MemoryBroker();
  const backend = { ...(env.redisUrl ? { redis: env.redisUrl } : { broker }), prefix: `example:${Date.now()}:`, onError: (error: unknown) => void errors.push(error) };
  const gateway1 = createEventService({ group: 'gateway', consumer: 'gateway-1', ...backend });
  const gateway2 = createEventService({ group: 'gateway', consumer: 'gateway-2', ...backend });
  const api = createEventService({ group: 'job-api', ...backend });

  const ended = new Subject<string>(); // stream ids of sessions as they end

  try {
    const sessions = [
      openSession(gateway1, 's1', ended),
      openSession(gateway1, 's2', ended),
      openSession(gateway1, 's3', ended),
      openSession(gateway2, 's4', ended),
      openSession(gateway2, 's5', ended),
    ];
    // Subscribing is asynchronous on Redis: wait until each instance's channel subscription is active.
    await Promise.all([gateway1.listening(CancelWebSocket), gateway2.listening(CancelWebSocket)]);
    const brokerSubscriptions = await subscriptionsTo(backend.prefix + CancelWebSocket.name, env.redisUrl, broker);

    // #region cancel
    const twoEnded = firstValueFrom(ended.pipe(take(2), timeout(5000), toArray()));
    await api.broadcast(CancelWebSocket, { streamId: 's2' }); // s2 lives on gateway-1
    await api.broadcast(CancelWebSocket, { streamId: 's4' }); // s4 lives on gateway-2
    const cancelled = (await twoEnded).sort();
    // #endregion cancel
    const stillOpen = sessions.filter((session) => !session.closed).length;

    // #region late
    // A listener that subscribes now joins gateway-2's active subscription, without replay:
    // it collects everything it receives up to the next message, and that is all it gets.
    const late = firstValueFrom(gateway2.listen(CancelWebSocket).pipe(takeWhile((m) => m.streamId !== 'marker', true), timeout(5000), toArray()));
    await gateway2.listening(CancelWebSocket);
    await api.broadcast(CancelWebSocket, { streamId: 'marker' });
    const lateMessages = (await late).map((m) => m.streamId);
    // #endregion late

    log(`backend:         ${env.redisUrl ? `redis (${env.redisUrl})` : 'memory'}`);
    log(`sessions:        s1, s2, s3 on gateway-1; s4, s5 on gateway-2`);
    log(`subscriptions:   ${brokerSubscriptions} to channel "${CancelWebSocket.name}" for 5 sessions (one per instance)`);
    log(`cancelled:       ${cancelled.join(', ')}; ${stillOpen} sessions still open`);
    log(`late listener:   received [${lateMessages.join(', ')}], not s2 or s4 (broadcast before it subscribed)`);
    sessions.forEach((session) => session.unsubscribe()); // the remaining clients disconnect

    return { sessions: sessions.length, cancelled, stillOpen, lateListenerReceived: lateMessages, brokerSubscriptions, errors: errors.length };
  } finally {
    ended.complete();
    await Promise.all([gateway1.close(), gateway2.close(), api.close()]);
  }
}

/** How many broker subscriptions the channel has: `PUBSUB NUMSUB` on Redis. */
async function subscriptionsTo(channel: string, redisUrl: string | undefined, broker: MemoryBroker | undefined): Promise<number> {
  if (broker) return broker.subscriberCount(channel);
  const redis = new Redis(redisUrl as string);
  try {
    const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    return count;
  } finally {
    await redis.quit();
  }
}

if (require.main === module) {
  main({ redisUrl: process.env.REDIS_URL || undefined }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
