import { TestScheduler } from 'rxjs/testing';
import { HeldEntries } from '../../src/consumer/HeldEntries';
import { SubscriptionWindow } from '../../src/consumer/SubscriptionWindow';

const virtualTime = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('HeldEntries', () => {
  it('held entries - each id takes one slot of the window, once however often its lease changes, and letting it go frees it', () => {
    const window = new SubscriptionWindow(10, virtualTime());
    const held = new HeldEntries(window, 1000);
    held.handle('1-0', 0);
    held.handle('2-0', 5);
    held.handle('1-0', 7); // the same entry again (delivered after its schema check): its time moves, its slot stays
    expect({ count: held.count, window: window.holding }).toEqual({ count: 2, window: 2 });
    expect(held.nack('2-0')).toBe(true);
    expect(held.nack('3-0')).toBe(false); // never held: not marked, no slot taken
    expect({ count: held.count, window: window.holding, ids: held.ids() }).toEqual({ count: 2, window: 2, ids: ['1-0', '2-0'] });
    expect(held.letGo('1-0')).toBe(true);
    expect(held.letGo('1-0')).toBe(false);
    expect({ count: held.count, window: window.holding }).toEqual({ count: 1, window: 1 });
  });

  it('held entries - a lease is renewed while its handler has had it for at most maxHandlingMs, then reported stuck once and never renewed again', () => {
    const held = new HeldEntries(new SubscriptionWindow(10, virtualTime()), 50);
    held.handle('1-0', 100);
    held.handle('2-0', 120);
    held.handle('3-0', 100);
    held.nack('3-0');
    expect(held.renewals(150)).toEqual({ renew: ['1-0', '2-0', '3-0'], stuck: [] });
    expect(held.renewals(151)).toEqual({ renew: ['2-0', '3-0'], stuck: [{ id: '1-0', handlingMs: 51 }] });
    expect(held.renewals(500)).toEqual({ renew: ['3-0'], stuck: [{ id: '2-0', handlingMs: 380 }] });
    // a nacked delivery waits for its redelivery: renewed however long it waits
    expect(held.renewals(10_000)).toEqual({ renew: ['3-0'], stuck: [] });
    expect(held.count).toBe(3);
  });

  it('held entries - only nacked: true with nothing held or every held delivery nacked; letting the nacked go keeps the others', () => {
    const window = new SubscriptionWindow(10, virtualTime());
    const held = new HeldEntries(window, 50);
    expect(held.onlyNacked).toBe(true);
    held.handle('1-0', 0);
    held.handle('2-0', 0);
    held.nack('2-0');
    expect(held.onlyNacked).toBe(false);
    held.renewals(100); // 1-0 is stuck now: still not settled
    expect(held.onlyNacked).toBe(false);
    held.letGoNacked();
    expect({ ids: held.ids(), window: window.holding }).toEqual({ ids: ['1-0'], window: 1 });
    held.nack('1-0');
    expect(held.onlyNacked).toBe(true);
  });
});
