import type { EntryFields } from '../../codec/entryFields';
import { afterThisWork } from '../../internal/afterThisWork';
import type { AppendProducer, AppendRequest } from '../StreamTransport';
import { appendOnce } from './appendOnce';
import type { RedisClient } from './connect';
import { APPEND_CHUNK } from './scripts/append';

/**
 * Most text (field names and values, in UTF-16 units) that calls gathered into one append carry: a
 * burst of large events goes out in several scripts, so that no gathered script holds the server
 * (and every other client) much longer than one call of that size would. A call of more goes alone.
 */
export const GATHERED_TEXT = 4 * 1024 * 1024;

/** One call waiting in an {@link OpenAppend}: how many of its entries, and its promise's settlers. */
interface WaitingCall {
  readonly count: number;
  readonly resolve: (ids: string[]) => void;
  readonly reject: (error: unknown) => void;
}

/** The producer calls of this tick to one stream key, to be sent as one append. */
class OpenAppend {
  readonly calls: WaitingCall[] = [];
  /** The text of the entries gathered (see {@link GATHERED_TEXT}). */
  text = 0;
  /** The first call's entries as given; a copy of them, with the entries of the calls that joined, once one does. */
  private readonly first: readonly EntryFields[];
  private gathered: EntryFields[] | undefined;

  constructor(
    readonly key: string,
    readonly producer: AppendProducer,
    entries: readonly EntryFields[],
  ) {
    this.first = entries;
  }

  get entries(): readonly EntryFields[] {
    return this.gathered ?? this.first;
  }

  /** Adds the entries of a call that joins. */
  join(entries: readonly EntryFields[]): void {
    const gathered = (this.gathered ??= [...this.first]);
    for (const fields of entries) gathered.push(fields);
  }

  /** Answers each call with its own ids, in call order, or every call with the append's error. */
  settle(sent: Promise<string[]>): void {
    sent.then(
      (ids) => {
        if (this.calls.length === 1) return (this.calls[0] as WaitingCall).resolve(ids);
        let from = 0;
        for (const call of this.calls) call.resolve(ids.slice(from, (from += call.count)));
      },
      (error: unknown) => {
        for (const call of this.calls) call.reject(error);
      },
    );
  }
}

/**
 * The appends of a Redis transport: producer calls (without idempotency keys) to one stream key that
 * are made in the same tick go out together, as one append once the tick's synchronous work is done
 * (see `afterThisWork`), up to {@link APPEND_CHUNK} entries and {@link GATHERED_TEXT}. That append is one producer call: one
 * sequence number, so a resend of it appends nothing, and the stream gets the entries in call order
 * and at once. A consumer blocked on the stream is then answered with all of them, where separate
 * calls would answer it with the first and leave the others for its next read. Any other call
 * (idempotency keys, more than a chunk or more text than that) first sends what is open, so the connection carries every
 * key's appends in call order.
 */
export class TickAppends {
  /** This tick's open appends, by producer memory (a stream key and a producer). */
  private readonly open = new Map<string, OpenAppend>();
  private scheduled = false;
  private readonly sendScheduled = (): void => {
    this.scheduled = false;
    this.flush();
  };

  /** @param client The connection the appends go through, read when each is sent. */
  constructor(private readonly client: () => RedisClient) {}

  /** Appends `entries` to `key` once; resolves with their ids in order. */
  append(key: string, entries: readonly EntryFields[], request: AppendRequest): Promise<string[]> {
    const text = request.idempotency || entries.length > APPEND_CHUNK ? 0 : textOf(entries);
    if (!(text > 0 && text <= GATHERED_TEXT)) {
      this.flush();
      return appendOnce(this.client(), key, entries, request);
    }
    const { producer } = request;
    let open = this.open.get(producer.memoryKey);
    if (open && (open.entries.length + entries.length > APPEND_CHUNK || open.text + text > GATHERED_TEXT)) {
      this.send(open);
      open = undefined;
    }
    if (!open) {
      this.open.set(producer.memoryKey, (open = new OpenAppend(key, producer, entries)));
      if (!this.scheduled) {
        this.scheduled = true;
        afterThisWork(this.sendScheduled);
      }
    } else open.join(entries);
    open.text += text;
    const joined = open;
    return new Promise<string[]>((resolve, reject) => void joined.calls.push({ count: entries.length, resolve, reject }));
  }

  /** Sends every open append now, in the order they were opened. */
  flush(): void {
    for (const open of this.open.values()) this.send(open);
  }

  private send(open: OpenAppend): void {
    this.open.delete(open.producer.memoryKey);
    // a throw while sending rejects the calls, as a refusal would
    open.settle(new Promise<string[]>((resolve) => resolve(appendOnce(this.client(), open.key, open.entries, { producer: open.producer }))));
  }
}

/** The text of the entries' field names and values; 0 when an entry has no field (it cannot be appended, and must not fail the calls it would join). */
function textOf(entries: readonly EntryFields[]): number {
  let text = 0;
  for (const fields of entries) {
    let own = 0;
    for (const name in fields) if (Object.hasOwn(fields, name)) own += name.length + (fields[name] as string).length;
    if (own === 0) return 0;
    text += own;
  }
  return text;
}
