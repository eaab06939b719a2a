import { TransportError } from '../../../src/errors/TransportError';
import type { RedisConnections } from '../../../src/transport/redis/connect';
import { guarded } from '../../../src/transport/redis/guarded';

/** Connections whose errors name the operation and carry what failed as their cause. */
const connections = {
  transportError: (operation: string, error: unknown) => new TransportError(operation, error, { server: '127.0.0.1:6390' }),
} as unknown as RedisConnections;

describe('guarded', () => {
  it('guarded - resolves with what the work resolves with', async () => {
    await expect(guarded(connections, 'append', () => Promise.resolve(['1-0']))).resolves.toEqual(['1-0']);
  });

  it("guarded - a rejection becomes the connections' TransportError for the operation, with the rejection as its cause", async () => {
    const refused = new Error('ERR refused');
    const error = await guarded(connections, 'ack', () => Promise.reject(refused)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toBe('the broker at 127.0.0.1:6390 failed during ack: ERR refused');
    expect((error as TransportError).cause).toBe(refused);
  });

  it('guarded - work that throws before it returns a promise rejects the same way, and does not throw', async () => {
    const thrown = new TypeError('no fields');
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = guarded(connections, 'append', () => {
        throw thrown;
      });
    }).not.toThrow();
    const error = await (returned as Promise<unknown>).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toBe('the broker at 127.0.0.1:6390 failed during append: no fields');
    expect((error as TransportError).cause).toBe(thrown);
  });
});
