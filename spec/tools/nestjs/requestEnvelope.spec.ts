import { isRequestEnvelope } from '../../../src/tools/nestjs/requestEnvelope';

describe('isRequestEnvelope', () => {
  it('isRequestEnvelope - only a value with $request { id, replyTo } strings and data is a request', () => {
    const verdicts = [
      { $request: { id: 'a', replyTo: 'nestjs.replies.x' }, data: 1 },
      { $request: { id: 'a', replyTo: 'nestjs.replies.x' }, data: undefined },
      { $request: { id: 'a', replyTo: 'nestjs.replies.x' } },
      { $request: { id: 1, replyTo: 'nestjs.replies.x' }, data: 1 },
      { $request: null, data: 1 },
      { orderId: 'o1' },
      'text',
      null,
    ].map(isRequestEnvelope);
    expect(verdicts).toEqual([true, true, false, false, false, false, false, false]);
  });
});
