/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/examples'],
  testMatch: ['**/*.spec.ts'],
  // Examples and specs import the package by name, as users do; in the repository that is the source.
  moduleNameMapper: {
    '^rx-redis-events$': '<rootDir>/src/index.ts',
    '^rx-redis-events/testing$': '<rootDir>/src/tools/testing/index.ts',
    '^rx-redis-events/http$': '<rootDir>/src/tools/http/index.ts',
    '^rx-redis-events/nestjs$': '<rootDir>/src/tools/nestjs/index.ts',
  },
  globalSetup: '<rootDir>/spec/support/requireRedisServer.js',
  // a spec file that fails before closing what it opened still lets Jest exit
  setupFilesAfterEnv: ['<rootDir>/spec/support/closeLeftovers.ts'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          esModuleInterop: true,
          isolatedModules: true,
          strict: true,
          target: 'ES2022',
          // NestJS applications in specs and examples use its (legacy) decorators
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
        },
      },
    ],
  },
  transformIgnorePatterns: ['node_modules/(?!(superjson|copy-anything|is-what)/)'],
  testTimeout: 20000,
};
