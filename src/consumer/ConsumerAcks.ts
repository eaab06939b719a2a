import { ServiceClosedError } from '../errors/ServiceClosedError';
import { afterThisWork } from '../internal/afterThisWork';
import type { StreamTransport } from '../transport/StreamTransport';
import { AckCoalescer, refusedAck, type PendingAck } from './AckCoalescer';

/**
 * The acks of one service's consumers, on their way to the transport: coalesced (see
 * {@link AckCoalescer}) on every backend, refused with `ServiceClosedError` once the service is closed.
 */
export class ConsumerAcks {
  private readonly coalescer: AckCoalescer;

  constructor(
    transport: StreamTransport,
    private readonly group: string,
    private readonly report: (error: unknown) => void,
    private readonly closed: () => boolean,
  ) {
    // after the current synchronous work, not on the service's scheduler: under TestScheduler.run the same
    // virtual frame, outside it a microtask, so an ack made after the flush (an async handler's) still goes out
    this.coalescer = new AckCoalescer(transport, report, afterThisWork);
  }

  /** Acknowledges one entry of the stream stored under `key` for the group; what it returns answers once the broker has it. */
  ack(key: string, id: string): PendingAck {
    if (this.closed()) {
      const error = new ServiceClosedError('ack', this.group);
      this.report(error);
      return refusedAck(error);
    }
    return this.coalescer.ack(key, this.group, id);
  }

  /** Sends everything queued and waits until every ack is answered (rejections are left to their callers). */
  flush(): Promise<void> {
    return this.coalescer.flush();
  }
}
