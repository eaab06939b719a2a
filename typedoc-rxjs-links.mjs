// TypeDoc plugin: the comments of RxJS's own declarations (inherited by our Observables) link to RxJS
// functions by bare name; those links resolve to the RxJS API reference instead of warning.
import { createRequire } from 'node:module';

const rxjs = createRequire(import.meta.url)('rxjs');

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.addUnknownSymbolResolver((reference) => {
    if (reference.moduleSource !== undefined && reference.moduleSource !== 'rxjs') return undefined;
    const path = reference.symbolReference?.path;
    if (path?.length !== 1) return undefined;
    const name = path[0].path;
    return typeof rxjs[name] === 'function' ? `https://rxjs.dev/api/index/function/${name}` : undefined;
  });
}
