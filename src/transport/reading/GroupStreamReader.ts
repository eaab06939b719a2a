import type { SchedulerLike } from 'rxjs';
import type { ReadAnswer, ReadEntry, StreamReader } from '../StreamTransport';
import type { GroupReader, ReadRequest } from './GroupReader';
import type { GroupReaders } from './GroupReaders';

const NOTHING_TO_WITHDRAW = (): void => undefined;

/**
 * A request of a {@link GroupStreamReader}: its answer or failure first tells the reader that it no
 * longer waits. Methods, not closures made per request (tsx, with esbuild `keepNames`, names each of those).
 */
class KeyRequest implements ReadRequest {
  constructor(
    readonly key: string,
    readonly count: number,
    readonly deadline: number,
    private readonly answered: ReadAnswer,
    private readonly failed: (error: unknown) => void,
    readonly arrived: ReadAnswer | undefined,
    private readonly done: (request: KeyRequest) => void,
  ) {}

  answer(entries: ReadEntry[], more: boolean): void {
    this.done(this);
    this.answered(entries, more);
  }

  fail(error: unknown): void {
    this.done(this);
    this.failed(error);
  }
}

/**
 * The reader of one key for one consumer of a group: its reads are requests to the consumer's
 * shared {@link GroupReader} where the key is read (on a cluster, followed to another master when its slot
 * moves). `interrupt()` answers a waiting read `[]` at once, without touching the shared read.
 */
export class GroupStreamReader implements StreamReader {
  private current: GroupReader | undefined;
  /** Where {@link current} reads (on a cluster, the master and slot of the key when it was chosen). */
  private currentPlace: string | undefined;
  private waiting: ReadRequest | undefined;
  /** A request was answered or failed: this reader no longer waits for it. */
  private readonly answeredOne = (request: KeyRequest): void => {
    if (this.waiting === request) this.waiting = undefined;
  };
  private interrupted = false;
  private closed = false;
  /** Resolves once no read sent for this key can still bring it entries (see `close`). */
  private released = Promise.resolve();

  constructor(
    private readonly readers: GroupReaders,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly scheduler: SchedulerLike,
  ) {}

  request(count: number, blockMs: number, answered: ReadAnswer, failed: (error: unknown) => void, arrived?: ReadAnswer): () => void {
    if (this.closed || this.interrupted || this.readers.closed) {
      this.interrupted = false;
      answered([], false);
      return NOTHING_TO_WITHDRAW;
    }
    const reader = this.follow();
    const request = new KeyRequest(this.key, count, this.scheduler.now() + blockMs, answered, failed, arrived, this.answeredOne);
    this.waiting = request;
    reader.request(request);
    return () => {
      if (this.waiting !== request) return;
      this.waiting = undefined;
      reader.withdraw(request);
    };
  }

  interrupt(): void {
    const request = this.waiting;
    if (!request) return void (this.interrupted = true);
    this.current?.withdraw(request);
    request.answer([], false);
  }

  close(): Promise<void> {
    if (this.closed) return this.released;
    this.closed = true;
    this.interrupt();
    this.interrupted = false;
    const reader = this.current;
    this.current = undefined;
    if (!reader) return this.released;
    this.released = reader.release(this.key);
    this.readers.leave(this, reader);
    return this.released;
  }

  /** The group reader of the key's server now: on a cluster, another one once the key's slot moved. */
  private follow(): GroupReader {
    // the same place (always, on one server): the same reader, without looking it up again
    const place = this.readers.placeOf(this.key);
    if (this.current && place === this.currentPlace) return this.current;
    const reader = this.readers.use(this, this.key, this.group, this.consumer);
    const previous = this.current;
    this.current = reader;
    this.currentPlace = place;
    if (previous && previous !== reader) {
      void previous.release(this.key);
      this.readers.leave(this, previous);
    }
    return reader;
  }
}
