import { randomBytes } from 'node:crypto';
import { producerKeyOf } from '../partitions/streamLayout';
import type { AppendProducer } from '../transport/StreamTransport';

/**
 * The idempotent producer of one service instance: an id of its own (random, so a restarted process
 * never meets the memory of its earlier run) and, per stream key, the sequence of its calls.
 */
export class ProducerSequences {
  /** 16 hex digits, new for every service. */
  readonly id = randomBytes(8).toString('hex');
  private readonly producers = new Map<string, AppendProducer>();

  /** The producer of appends to `key`. */
  of(key: string): AppendProducer {
    let producer = this.producers.get(key);
    if (!producer) {
      let sequence = 0;
      producer = { memoryKey: producerKeyOf(key, this.id), nextSequence: () => ++sequence };
      this.producers.set(key, producer);
    }
    return producer;
  }
}
