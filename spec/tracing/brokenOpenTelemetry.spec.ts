jest.mock('@opentelemetry/api', () => {
  throw new SyntaxError('Unexpected token in a damaged file');
});

describe('trace propagation with an @opentelemetry/api that fails to load', () => {
  it('tracing - creating a service throws an error naming the package and the cause, instead of switching tracing off silently', () => {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the mock above */
    const { createEventService, MemoryBroker } = require('../../src') as typeof import('../../src');
    /* eslint-enable @typescript-eslint/no-require-imports */
    let thrown: unknown;
    try {
      createEventService({ group: 'A', broker: new MemoryBroker() });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe('rx-redis-events: @opentelemetry/api is installed but cannot be loaded: Unexpected token in a damaged file');
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
