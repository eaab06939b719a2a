import { broadcastStream, eventStream } from 'rx-redis-events';
import { PatternDefinitions } from '../../../src/tools/nestjs/patternDefinitions';

describe('PatternDefinitions', () => {
  const placed = eventStream<{ orderId: string }>('orders.placed', { partitions: 4 });
  const prices = broadcastStream<number>('prices.changed');

  it('PatternDefinitions - finds definitions by name in a container object or an array; other patterns are plain event streams', () => {
    const definitions = new PatternDefinitions({ streams: { placed }, broadcasts: [prices] }, 'Test');
    expect(definitions.resolve('orders.placed')).toEqual({ kind: 'eventStream', stream: placed });
    expect(definitions.resolve('prices.changed')).toEqual({ kind: 'broadcastStream', broadcast: prices });
    const plain = definitions.resolve('orders.shipped');
    expect(plain).toEqual({ kind: 'eventStream', stream: eventStream('orders.shipped') });
    expect(definitions.resolve('orders.shipped')).toBe(plain);
  });

  it('PatternDefinitions - refuses two definitions of one name, definitions of the wrong kind and a list that is not one', () => {
    expect(() => new PatternDefinitions({ streams: [placed], broadcasts: [broadcastStream('orders.placed')] }, 'Test')).toThrow(new TypeError('rx-redis-events/nestjs: Test has two definitions named "orders.placed"'));
    expect(() => new PatternDefinitions({ broadcasts: [placed as never] }, 'Test')).toThrow(
      new TypeError('rx-redis-events/nestjs: Test option broadcasts must hold broadcastStream definitions, got {"kind":"eventStream","name":"orders.placed","partitions":4}'),
    );
    expect(() => new PatternDefinitions({ streams: 'orders.placed' as never }, 'Test')).toThrow(new TypeError('rx-redis-events/nestjs: Test option streams must be an object or an array of definitions, got string'));
  });
});
