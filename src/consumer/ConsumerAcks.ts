import { ServiceClosedError } from '../errors/ServiceClosedError';
import type { StreamTransport } from '../transport/StreamTransport';
import { AckCoalescer } from './AckCoalescer';

/**
 * The acks of one service's consumers, on their way to the transport: coalesced (see
 * {@link AckCoalescer}), sent one by one on a synchronous transport, refused with
 * `ServiceClosedError` once the service is closed.
 */
export class ConsumerAcks {
  private readonly coalescer: AckCoalescer;

  constructor(
    private readonly transport: StreamTransport,
    private readonly group: string,
    private readonly report: (error: unknown) => void,
    private readonly closed: () => boolean,
  ) {
    this.coalescer = new AckCoalescer(transport, report);
  }

  /** Acknowledges one entry of the stream stored under `key` for the group. */
  ack(key: string, id: string): Promise<void> {
    if (this.closed()) {
      const error = new ServiceClosedError('ack', this.group);
      this.report(error);
      return Promise.reject(error);
    }
    if (this.transport.synchronous) return this.transport.ack(key, this.group, [id]);
    return this.coalescer.ack(key, this.group, id);
  }

  /** Sends everything queued and waits until every ack is answered (rejections are left to their callers). */
  flush(): Promise<void> {
    return this.coalescer.flush();
  }
}
