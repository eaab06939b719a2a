import fc from 'fast-check';
import { DEFAULT_EVENT_SERVICE_OPTIONS, eventStream, MessageTooLargeError } from '../../src';
import { DEFAULT_MAX_MESSAGE_BYTES, exceedsBytes } from '../../src/codec/messageSize';
import { useMemoryServices } from '../support/useMemoryServices';

/** Strings of 1-, 2-, 3- and 4-byte characters and lone surrogates (3 bytes as U+FFFD). */
const text = fc
  .array(fc.constantFrom('a', 'é', '€', '😀', '\ud800', '\udc00'), { maxLength: 60 })
  .map((parts) => parts.join(''));

describe('message size', () => {
  const open = useMemoryServices();

  it('message size - exceedsBytes agrees with Buffer.byteLength for any text and limit', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 250 }), (value, max) => {
        expect(exceedsBytes(value, max)).toBe(Buffer.byteLength(value, 'utf8') > max);
      }),
      { numRuns: 3000 },
    );
  });

  it('message size - the default limit is 1 MiB: an event of 1 MiB + 1 byte encoded is refused, one of 1 MiB is written', async () => {
    expect(DEFAULT_EVENT_SERVICE_OPTIONS.maxMessageBytes).toBe(1_048_576);
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(1_048_576);
    const service = open();
    const big = eventStream<string[]>('big');
    const envelope = '{"json":[""]}'.length; // 13 bytes around the string
    await expect(service.produce(big, ['x'.repeat(1_048_576 - envelope + 1)])).rejects.toMatchObject({ constructor: MessageTooLargeError, stream: 'big', bytes: 1_048_577, maxBytes: 1_048_576 });
    await expect(service.produce(big, ['x'.repeat(1_048_576 - envelope)])).resolves.toHaveLength(1);
  });
});
