import type { HealthWarning } from './ServiceHealth';

/** The warning of a service on the private in-memory broker it got because neither `redis` nor `broker` was given. */
export const MEMORY_BROKER_WARNING: HealthWarning = Object.freeze({
  code: 'memory-broker',
  message: 'the service runs on a private in-memory broker (neither redis nor broker was given): nothing is persisted, and nothing is shared with other processes',
});
