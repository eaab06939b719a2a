import { createRequire } from 'node:module';
import type * as OpenTelemetry from '@opentelemetry/api';

/** The `@opentelemetry/api` module, if the application has it installed. */
export type OpenTelemetryApi = typeof OpenTelemetry;

const PACKAGE = '@opentelemetry/api';

let loaded: { readonly api: OpenTelemetryApi | undefined } | undefined;

/**
 * Loads `@opentelemetry/api` (an optional peer dependency) once, from where this package is
 * installed; `undefined` when it is not installed. The API is a facade: without an SDK registered
 * by the application, its spans record nothing.
 *
 * @throws Error naming the package when it is installed but fails to load.
 */
export function loadOpenTelemetry(): OpenTelemetryApi | undefined {
  loaded ??= { api: tryRequire() };
  return loaded.api;
}

function tryRequire(): OpenTelemetryApi | undefined {
  try {
    return requireHere()(PACKAGE) as OpenTelemetryApi;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new Error(`rx-redis-events: ${PACKAGE} is installed but cannot be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * This module's own `require` in CommonJS (the CJS build; under Jest, the registry that honours its
 * mocks); in the ESM build, where `module` is not defined, one made from this file's path (tsup
 * shims `__filename` from `import.meta.url`). Not the free `require`: esbuild's ESM output turns it
 * into a shim that throws on a dynamic call.
 */
function requireHere(): (id: string) => unknown {
  if (typeof module === 'object' && module !== null && typeof module.require === 'function') return (id): unknown => module.require(id) as unknown;
  return createRequire(__filename);
}

function isNotFound(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${PACKAGE}'`);
}
