import { isRetriable, RxRedisEventsError, ValidationError } from '../../src';

describe('ValidationError', () => {
  const issues = [
    { message: 'Required', path: ['user', 'name'] },
    { message: 'Expected number', path: ['items', 2, 'qty'] },
    { message: 'Not an object', path: [] },
  ];

  it('ValidationError - carries the stream, the index and the issues; a library error, never retriable', () => {
    const error = new ValidationError('orders', 3, issues);
    expect(error).toBeInstanceOf(RxRedisEventsError);
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.stream, error.index, error.phase, error.issues, error.retriable, isRetriable(error)]).toEqual(['ValidationError', 'orders', 3, 'produce', issues, false, false]);
  });

  it('ValidationError - the message names the index, the stream and every issue with its path', () => {
    expect(new ValidationError('orders', 3, issues).message).toBe(
      'invalid event at index 3 of the call for stream "orders": user.name: Required; items[2].qty: Expected number; Not an object; nothing of the call was written',
    );
    expect(new ValidationError('ws.cancel', 0, issues.slice(0, 1), 'broadcast').message).toBe('invalid message for broadcast stream "ws.cancel": user.name: Required; nothing was published');
    expect(new ValidationError('ws.cancel', 0, issues.slice(1, 2), 'listen').message).toBe('invalid message received on broadcast stream "ws.cancel": items[2].qty: Expected number; dropped');
  });

  it('ValidationError - a symbol key shows in brackets; no issue at all is said so; the cause is kept', () => {
    const cause = new Error('boom');
    const error = new ValidationError('s', 0, [{ message: 'bad', path: [Symbol('tag'), 'x'] }], 'produce', cause);
    expect(error.message).toBe('invalid event at index 0 of the call for stream "s": [Symbol(tag)].x: bad; nothing of the call was written');
    expect(error.cause).toBe(cause);
    expect(new ValidationError('s', 1, []).message).toBe('invalid event at index 1 of the call for stream "s": the schema refused it without an issue; nothing of the call was written');
  });
});
