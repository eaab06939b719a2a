import type { ServerResponse } from 'node:http';

/**
 * Where an SSE response's text goes: a `node:http` response, or the body of a Fetch `Response`
 * (see `FetchSseSink`). The part of `ServerResponse` the writer uses.
 */
export interface SseSink {
  /** Writes text; false when the client's side is full (wait for 'drain'). */
  write(text: string): boolean;
  /** Writes the last text and ends the response. */
  end(text: string): void;
  /** Breaks the connection (a client too slow for `onSlowClient: 'close'`). */
  destroy(): void;
  /** 'drain': writable again; 'close': the client went away (or the response ended). */
  on(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

/** Sends the SSE status and headers on a `node:http` response and returns it as the sink. */
export function openNodeResponse(response: ServerResponse, headers: Readonly<Record<string, string>>): SseSink {
  response.writeHead(200, headers);
  response.flushHeaders();
  return response;
}
