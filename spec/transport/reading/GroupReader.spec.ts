import { VirtualTimeScheduler } from 'rxjs';
import { GroupReader } from '../../../src/transport/reading/GroupReader';
import type { ReadLink, StreamEntries } from '../../../src/transport/reading/ReadLink';
import type { ReadEntry } from '../../../src/transport/StreamTransport';

/** A link whose reads wait until the spec answers them (also an unblocked one); it records each read's keys and COUNT, and each unblock. */
class ManualLink implements ReadLink {
  readonly startsAtOnce = true;
  readonly reads: string[] = [];
  private answer: ((streams: StreamEntries[]) => void) | undefined;
  /** Whether the link is ready for a read; `becomeReady` makes it so and tells the reader. */
  ready = true;
  private tellReady: (() => void) | undefined;

  /** The reader's `openLink`. */
  open(ready: () => void): this {
    this.tellReady = ready;
    return this;
  }
  becomeReady(): void {
    this.ready = true;
    this.tellReady?.();
  }
  readyForRead(): boolean {
    return this.ready;
  }
  unblock(): boolean {
    this.reads.push('unblock');
    return true;
  }
  read(keys: readonly string[], count: number, _blockMs: number | undefined, answered: (streams: StreamEntries[]) => void): void {
    this.reads.push(`${keys.join(',')} COUNT ${count}`);
    this.answer = answered;
  }
  failure(error: unknown): unknown {
    return error;
  }
  close(): void {
    this.answer = undefined;
  }

  /** Answers the read under way with `ids` per key. */
  reply(ids: Record<string, string[]>): void {
    const answer = this.answer as (streams: StreamEntries[]) => void;
    this.answer = undefined;
    answer(Object.entries(ids).map(([key, keyIds]) => ({ key, entries: keyIds.map((id) => ({ id, fields: {}, deliveryCount: 1 })) })));
  }
}

const idsOf = (entries: readonly ReadEntry[]) => entries.map((entry) => entry.id).join(' ');

describe('group reader - one shared read for the keys of one consumer', () => {
  it('a read that answers several keys tells every request what arrived before it answers any: a request made on arrival joins the next read, sent before the answers', () => {
    const link = new ManualLink();
    const reader = new GroupReader(() => link, new VirtualTimeScheduler(), () => undefined);
    const told: string[] = [];
    const ask = (key: string, count: number, again: boolean) =>
      reader.request({
        key,
        count,
        deadline: 5000,
        arrived: (entries, more) => {
          told.push(`${key} arrived ${idsOf(entries)}, more ${String(more)}`);
          if (again) ask(key, count, false);
        },
        answer: (entries, more) => told.push(`${key} answered ${idsOf(entries)}, more ${String(more)}; reads sent ${link.reads.length}`),
        fail: () => told.push(`${key} failed`),
      });
    ask('a', 2, true);
    ask('b', 2, true);
    link.reply({}); // the unblocked read, without entries
    expect(link.reads).toEqual(['a COUNT 2', 'unblock', 'a,b COUNT 2']);
    link.reply({ a: ['1-0', '2-0'], b: ['3-0'] });
    expect(told).toEqual(['a arrived 1-0 2-0, more true', 'b arrived 3-0, more false', 'a answered 1-0 2-0, more true; reads sent 4', 'b answered 3-0, more false; reads sent 4']);
    expect(link.reads).toEqual(['a COUNT 2', 'unblock', 'a,b COUNT 2', 'a,b COUNT 2']);
    reader.close();
  });

  it('a key that got the read\'s COUNT is told there may be more, although it asked for more than the read\'s COUNT', () => {
    const link = new ManualLink();
    const reader = new GroupReader(() => link, new VirtualTimeScheduler(), () => undefined);
    const answers: string[] = [];
    const ask = (key: string, count: number) =>
      reader.request({ key, count, deadline: 5000, answer: (entries, more) => answers.push(`${key}: ${idsOf(entries)}, more ${String(more)}`), fail: () => answers.push(`${key} failed`) });
    ask('a', 4);
    ask('b', 3);
    link.reply({});
    expect(link.reads).toEqual(['a COUNT 4', 'unblock', 'a,b COUNT 3']);
    link.reply({ a: ['1-0', '2-0', '3-0'], b: ['4-0', '5-0'] });
    expect(answers).toEqual(['a: 1-0 2-0 3-0, more true', 'b: 4-0 5-0, more false']);
    reader.close();
  });

  it('a request whose deadline passed while a read was under way is answered [] and not read for, also when the read after it is sent before the answers', () => {
    const link = new ManualLink();
    const scheduler = new VirtualTimeScheduler();
    const reader = new GroupReader(() => link, scheduler, () => undefined);
    const told: string[] = [];
    const ask = (key: string, deadline: number, again: boolean) =>
      reader.request({
        key,
        count: 2,
        deadline,
        arrived: () => (again ? ask(key, deadline, false) : undefined),
        answer: (entries) => told.push(`${key} answered ${idsOf(entries) || '[]'}`),
        fail: () => told.push(`${key} failed`),
      });
    ask('a', 5000, true);
    ask('b', 100, false);
    link.reply({}); // the unblocked read
    expect(link.reads).toEqual(['a COUNT 2', 'unblock', 'a,b COUNT 2']);
    scheduler.frame = 200; // b's deadline passes while that read is under way
    link.reply({ a: ['1-0'] }); // a asks again on arrival
    expect(told).toEqual(['a answered 1-0', 'b answered []']);
    expect(link.reads).toEqual(['a COUNT 2', 'unblock', 'a,b COUNT 2', 'a COUNT 2']);
    reader.close();
  });

  it('a request whose deadline passed while the link was not ready is answered [] when it becomes ready, before the alarm, and not read for', () => {
    const link = new ManualLink();
    link.ready = false;
    const scheduler = new VirtualTimeScheduler();
    const reader = new GroupReader((ready) => link.open(ready), scheduler, () => undefined);
    const told: string[] = [];
    const ask = (key: string, deadline: number) => reader.request({ key, count: 2, deadline, answer: (entries) => told.push(`${key} answered ${idsOf(entries) || '[]'}`), fail: () => told.push(`${key} failed`) });
    ask('a', 100);
    ask('b', 5000);
    scheduler.frame = 200; // a's deadline passes; its alarm has not run yet
    link.becomeReady();
    expect(told).toEqual(['a answered []']);
    expect(link.reads).toEqual(['b COUNT 2']);
    reader.close();
  });
});
