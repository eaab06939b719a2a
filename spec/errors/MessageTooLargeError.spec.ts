import { MessageTooLargeError } from '../../src/errors/MessageTooLargeError';

describe('MessageTooLargeError', () => {
  it('MessageTooLargeError - says produce for an event and broadcast for a message', () => {
    const produced = new MessageTooLargeError('orders', 217, 100);
    const broadcast = new MessageTooLargeError('big.b', 217, 100, 'broadcast');
    expect({ message: produced.message, operation: produced.operation, retriable: produced.retriable }).toEqual({
      message: 'cannot produce to "orders": the encoded event is 217 bytes, more than maxMessageBytes (100); nothing was written',
      operation: 'produce',
      retriable: false,
    });
    expect({ message: broadcast.message, operation: broadcast.operation, stream: broadcast.stream }).toEqual({
      message: 'cannot broadcast to "big.b": the encoded message is 217 bytes, more than maxMessageBytes (100); nothing was published',
      operation: 'broadcast',
      stream: 'big.b',
    });
  });
});
