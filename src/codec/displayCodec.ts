import { eventStream, type EventStream } from '../definitions/eventStream';
import type { Codec } from './codecs';
import { decodeValue } from './entryCodec';
import { decodeJson } from './jsonCodec';

/** A value field as a tool shows it: decoded, or its raw text when neither superjson nor plain JSON reads it. */
export type Displayed = { readonly value: unknown } | { readonly text: string };

/**
 * How the CLI and the dashboard read a value field without knowing the stream's codec: as superjson
 * (the default codec), else as plain JSON (the `'json'` codec), else its raw text (a custom codec).
 */
export function displayValue(streamName: string, id: string, raw: string): Displayed {
  try {
    return { value: decodeValue(streamName, id, raw) };
  } catch {
    try {
      return { value: decodeJson(streamName, id, raw) };
    } catch {
      return { text: raw };
    }
  }
}

/** Decodes as {@link displayValue} does (the raw text is the value when nothing reads it); never throws. A tool only reads: encoding throws. */
export const DISPLAY_CODEC: Codec<unknown> = Object.freeze({
  encode(): string {
    throw new TypeError('a stream read by a tool is not written to');
  },
  decode(text: string): unknown {
    const shown = displayValue('', '', text);
    return 'value' in shown ? shown.value : shown.text;
  },
});

/** `stream` (found from its keys) read with {@link DISPLAY_CODEC}: what a tool that cannot know its codec reads. */
export function readByTools(stream: EventStream<unknown>): EventStream<unknown> {
  return eventStream<unknown>(stream.name, { partitions: stream.partitions, codec: DISPLAY_CODEC });
}
