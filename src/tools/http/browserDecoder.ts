/**
 * JavaScript source text for a browser `<script>`: the browser side of `encoding: 'superjson'`.
 * The script (about 60 lines, no dependencies) defines a global function `decodeEventData(text)`,
 * turning an event's data back into its value:
 * `Date`, `Map`, `Set`, `BigInt`, `undefined`, `RegExp`, `URL`, `Error`, `NaN`, `Infinity` and
 * `-0` come back as they were sent. Shared references come back as equal copies. Values of
 * registered classes or custom superjson types throw: decode those with superjson's own `parse`
 * (`import { parse } from 'superjson'` in a bundled page). Keys `__proto__`, `constructor` and
 * `prototype` in an annotation path are refused.
 *
 * Serve it as a file, or inline it:
 * ```ts
 * if (request.url === '/sse-decoder.js') return response.end(SSE_BROWSER_DECODER_JS); // content-type: text/javascript
 * ```
 * ```html
 * <script src="/sse-decoder.js"></script>
 * <script>
 *   const events = new EventSource('/jobs/42/events');
 *   events.addEventListener('progress', (message) => show(decodeEventData(message.data)));
 * </script>
 * ```
 * In an ES module, append `export { decodeEventData };`. Data sent as `encoding: 'json'` (the
 * default of `serveEventStreamSse`/`eventStreamSseResponse` for a stream with `codec: 'json'`) is plain
 * JSON: read it with `JSON.parse(message.data)`, not with this decoder.
 */
export const SSE_BROWSER_DECODER_JS = String.raw`function decodeEventData(text) {
  'use strict';
  var document = JSON.parse(text);
  if (document === null || typeof document !== 'object' || !('json' in document)) throw new Error('decodeEventData: not a superjson document');
  var meta = document.meta;
  var holder = { value: document.json };
  if (!meta || !meta.values) return holder.value;
  function unsafe(key) { return key === '__proto__' || key === 'constructor' || key === 'prototype'; }
  function parsePath(path) {
    var segments = [], segment = '';
    for (var i = 0; i < path.length; i++) {
      var char = path.charAt(i);
      if (char === '\\' && (path.charAt(i + 1) === '.' || path.charAt(i + 1) === '\\')) segment += path.charAt(++i);
      else if (char === '.') { segments.push(segment); segment = ''; }
      else segment += char;
    }
    segments.push(segment);
    for (var j = 0; j < segments.length; j++) if (unsafe(segments[j])) throw new Error('decodeEventData: unsafe path ' + path);
    return segments;
  }
  function untransform(value, type) {
    switch (type) {
      case 'undefined': return undefined;
      case 'Date': return new Date(value);
      case 'bigint': return BigInt(value);
      case 'number': return value === '-0' ? -0 : Number(value);
      case 'regexp': var slash = value.lastIndexOf('/'); return new RegExp(value.slice(1, slash), value.slice(slash + 1));
      case 'set': return new Set(value);
      case 'map': return new Map(value);
      case 'URL': return new URL(value);
      case 'Error':
        var error = new Error(value.message);
        for (var key in value) if (Object.prototype.hasOwnProperty.call(value, key) && !unsafe(key)) error[key] = value[key];
        return error;
    }
    throw new Error('decodeEventData: the superjson type ' + JSON.stringify(type) + ' needs superjson itself (its parse function)');
  }
  function apply(path, type) {
    var parent = holder, key = 'value';
    for (var i = 0; i < path.length; i++) {
      parent = parent[key];
      key = path[i];
      if (parent === null || typeof parent !== 'object' || !Object.prototype.hasOwnProperty.call(parent, key)) throw new Error('decodeEventData: no value at ' + path.join('.'));
    }
    parent[key] = untransform(parent[key], type);
  }
  function walk(tree, origin) {
    if (!Array.isArray(tree)) {
      for (var key in tree) if (Object.prototype.hasOwnProperty.call(tree, key)) walk(tree[key], origin.concat(parsePath(key)));
      return;
    }
    var children = tree[1];
    if (children) for (var child in children) if (Object.prototype.hasOwnProperty.call(children, child)) walk(children[child], origin.concat(parsePath(child)));
    apply(origin, tree[0]);
  }
  walk(meta.values, []);
  return holder.value;
}
`;
