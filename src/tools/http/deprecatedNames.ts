import { SSE_BROWSER_DECODER_JS } from './browserDecoder';
import { serveEventStreamSse } from './serveEventStreamSse';
import { serveObservableSse } from './serveObservableSse';

// The names of 0.1.0, kept for one release and removed in the next.

/** @deprecated Use {@link serveObservableSse}: the same function, named by what it serves and where. */
export const serveSse = serveObservableSse;

/** @deprecated Use {@link serveEventStreamSse}: the same function, named by what it serves and where. */
export const serveEventStream = serveEventStreamSse;

/** @deprecated Use {@link SSE_BROWSER_DECODER_JS}: the same JavaScript source text for a browser `<script>`. */
export const SSE_DECODER_SOURCE = SSE_BROWSER_DECODER_JS;
