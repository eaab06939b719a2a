import { EMPTY, of, Subject, throwError } from 'rxjs';
import { pending, runCoroutine, wait, type Coroutine } from '../../src/internal/coroutine';

describe('runCoroutine', () => {
  it('pending - a wait answered at once resumes in the same frame, with its value', () => {
    const seen: string[] = [];
    function* body(): Coroutine {
      const value = yield* wait(pending<string>((answered) => (answered('a'), undefined)));
      seen.push(value);
    }
    runCoroutine(body(), (error) => seen.push(`error: ${String(error)}`));
    expect(seen).toEqual(['a']);
  });

  it('pending - a later answer resumes it; an answer after the first, and the failure after it, are ignored', () => {
    const seen: string[] = [];
    let answer: (value: number) => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    function* body(): Coroutine {
      seen.push(`got ${yield* wait(pending<number>((answered, failed) => ((answer = answered), (fail = failed), undefined)))}`);
      seen.push(`then ${yield* wait(of(2))}`);
    }
    runCoroutine(body(), (error) => seen.push(`error: ${String(error)}`));
    expect(seen).toEqual([]);
    answer(1);
    answer(5);
    fail(new Error('late'));
    expect(seen).toEqual(['got 1', 'then 2']);
  });

  it('pending - a failure is thrown into the body, which can catch it; one it does not catch goes to onError', () => {
    const seen: string[] = [];
    function* body(): Coroutine {
      try {
        yield* wait(pending((_answered, failed) => (failed(new Error('first')), undefined)));
      } catch (error) {
        seen.push(`caught ${(error as Error).message}`);
      }
      yield* wait(pending((_answered, failed) => (failed(new Error('second')), undefined)));
      seen.push('not reached');
    }
    runCoroutine(body(), (error) => seen.push(`onError ${(error as Error).message}`));
    expect(seen).toEqual(['caught first', 'onError second']);
  });

  it('pending - unsubscribing while it waits withdraws the wait once and runs the finally blocks; a later answer does nothing', () => {
    const seen: string[] = [];
    let answer: (value: string) => void = () => undefined;
    function* body(): Coroutine {
      try {
        seen.push(yield* wait(pending<string>((answered) => ((answer = answered), () => seen.push('withdrawn')))));
      } finally {
        seen.push('finally');
      }
    }
    const running = runCoroutine(body(), (error) => seen.push(`error: ${String(error)}`));
    running.unsubscribe();
    running.unsubscribe();
    answer('late');
    expect(seen).toEqual(['withdrawn', 'finally']);
  });

  it('pending - a wait answered at once is not withdrawn (its withdrawal is still called, as an Observable is unsubscribed)', () => {
    const calls: string[] = [];
    function* body(): Coroutine {
      calls.push(yield* wait(pending<string>((answered) => (answered('x'), () => calls.push('withdrawn')))));
    }
    runCoroutine(body(), () => undefined);
    expect(calls).toEqual(['withdrawn', 'x']);
  });

  it('waits for Observables and promises as before: the first value, undefined for an empty one, and an error thrown in', async () => {
    const seen: unknown[] = [];
    const later = new Subject<string>();
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    function* body(): Coroutine {
      seen.push(yield* wait(later));
      seen.push(yield* wait(Promise.resolve(7)));
      seen.push(yield* wait(EMPTY));
      try {
        yield* wait(throwError(() => new Error('boom')));
      } catch (error) {
        seen.push((error as Error).message);
      }
      finish();
    }
    runCoroutine(body(), (error) => seen.push(error));
    later.next('first');
    expect(later.observed).toBe(false);
    await done;
    expect(seen).toEqual(['first', 7, undefined, 'boom']);
  });
});
