import { createRequire } from 'node:module';
import type * as OpenTelemetry from '@opentelemetry/api';

/** The `@opentelemetry/api` module, if the application has it installed. */
export type OpenTelemetryApi = typeof OpenTelemetry;

let loaded: { readonly api: OpenTelemetryApi | undefined } | undefined;

/**
 * Loads `@opentelemetry/api` (an optional peer dependency) once, from where this package is
 * installed; `undefined` when it is not installed. The API is a facade: without an SDK registered
 * by the application, its spans record nothing.
 */
export function loadOpenTelemetry(): OpenTelemetryApi | undefined {
  loaded ??= { api: tryRequire() };
  return loaded.api;
}

function tryRequire(): OpenTelemetryApi | undefined {
  try {
    // CommonJS (and Jest) have `require`: the application's own module registry; ESM builds resolve from this file
    const load = typeof require === 'function' ? require : createRequire(__filename);
    return load('@opentelemetry/api') as OpenTelemetryApi;
  } catch {
    return undefined;
  }
}
