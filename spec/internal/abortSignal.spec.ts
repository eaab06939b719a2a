import { getEventListeners } from 'node:events';
import { Observable } from 'rxjs';
import { createTestScheduler } from 'rx-redis-events/testing';
import { assertSignal, untilAborted } from '../../src/internal/abortSignal';

describe('untilAborted', () => {
  it('untilAborted - mirrors the source until the signal aborts, then completes and unsubscribes from it', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const controller = new AbortController();
      const source = cold('--a--b--c--d--');
      testScheduler.schedule(() => controller.abort(), 7);
      expectObservable(untilAborted(source, controller.signal)).toBe('--a--b-|');
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('untilAborted - a signal aborted already completes at once without subscribing to the source', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('--a--|');
      expectObservable(untilAborted(source, AbortSignal.abort())).toBe('|');
      expectSubscriptions(source.subscriptions).toBe([]);
    });
  });

  it('untilAborted - the source completing or erroring first passes through, and the listener is removed', () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const events: string[] = [];
    untilAborted(new Observable<number>((s) => (s.next(1), s.error(new Error('boom')))), signal).subscribe({
      next: (value) => events.push(`next ${value}`),
      error: (error: Error) => events.push(`error ${error.message}`),
      complete: () => events.push('complete'),
    });
    expect(getEventListeners(signal, 'abort')).toEqual([]);
    controller.abort();
    expect(events).toEqual(['next 1', 'error boom']);
  });

  it('untilAborted - without a signal returns the source itself', () => {
    const source = new Observable<number>();
    expect(untilAborted(source, undefined)).toBe(source);
  });
});

describe('assertSignal', () => {
  it.each([[null, 'null'], ['abort', '"abort"'], [{}, 'a object'], [{ aborted: false }, 'a object'], [42, '42']])('assertSignal - %p is refused with a TypeError naming the option', (value, shown) => {
    expect(() => assertSignal(value, 'consume option signal')).toThrow(new TypeError(`rx-redis-events: consume option signal must be an AbortSignal, got ${shown}`));
  });

  it('assertSignal - accepts undefined and an AbortSignal', () => {
    expect(() => assertSignal(undefined, 'x')).not.toThrow();
    expect(() => assertSignal(new AbortController().signal, 'x')).not.toThrow();
  });
});
