import { BUILD_TIMEOUT_MS, ensureBuilt, node } from '../support/builtPackage';

/**
 * An application's script: registers a class with its own superjson, produces a `Money` on the memory
 * broker and consumes it. Prints whether the value came back a `Money`, its fields, and whether the
 * stored entry names the class (the library's encoder saw the registration).
 */
const script = (load: string) => `
${load}
class Money {
  constructor(cents, currency) { this.cents = cents; this.currency = currency; }
  toString() { return (this.cents / 100).toFixed(2) + ' ' + this.currency; }
}
superjson.registerClass(Money, { identifier: 'Money' });
const broker = new lib.MemoryBroker();
const service = lib.createEventService({ group: 'billing', broker });
const prices = lib.eventStream('prices');
service.produce(prices, { price: new Money(1250, 'EUR') })
  .then(([id]) => new Promise((resolve) => service.consume(prices, { from: 'start' }).subscribe((d) => { d.ack(); resolve([id, d.value]); })))
  .then(([id, value]) => service.close().then(() => console.log(JSON.stringify({
    money: value.price instanceof Money,
    shown: String(value.price),
    stored: JSON.parse(broker.existingStream('prices').fields(id).v).meta,
  }))));
`;

const expected = { money: true, shown: '12.50 EUR', stored: { values: { price: [['class', 'Money']] }, v: 1 } };

/** The same application with a class it never registered: produce refuses it and writes nothing. */
const unregistered = (load: string) => `
${load}
class Coupon { constructor(code) { this.code = code; } }
const broker = new lib.MemoryBroker();
const service = lib.createEventService({ group: 'billing', broker });
service.produce(lib.eventStream('prices'), { coupon: new Coupon('X') })
  .then(() => 'written', (error) => error.name + ': ' + error.message)
  .then((outcome) => service.close().then(() => console.log(JSON.stringify({ outcome, written: broker.existingStream('prices') !== undefined }))));
`;

const refused = {
  outcome:
    'EncodeError: cannot encode the event for stream "prices": value.coupon is an instance of Coupon, a class superjson does not know (it would arrive as a plain object, without its class): register the class with superjson.registerClass(Coupon) or superjson.registerCustom(...) before producing, or send a plain object; nothing was written',
  written: false,
};

describe('package - superjson registrations of the application reach the built package', () => {
  beforeAll(ensureBuilt, BUILD_TIMEOUT_MS);

  it('package - CommonJS: a class registered with require("superjson") comes back as an instance of it', () => {
    expect(JSON.parse(node(['-e', script("const superjson = require('superjson'); const lib = require('rx-redis-events');")]))).toEqual(expected);
  });

  it('package - CommonJS: the default export of require("superjson") is the same registry', () => {
    expect(JSON.parse(node(['-e', script("const superjson = require('superjson').default; const lib = require('rx-redis-events');")]))).toEqual(expected);
  });

  it('package - ES module: a class registered with the default import of superjson comes back as an instance of it', () => {
    expect(JSON.parse(node(['--input-type=module', '-e', script("import superjson from 'superjson'; import * as lib from 'rx-redis-events';")]))).toEqual(expected);
  });

  it('package - CommonJS and ES module: an instance of a class the application never registered is refused, nothing written', () => {
    expect(JSON.parse(node(['-e', unregistered("const superjson = require('superjson'); const lib = require('rx-redis-events');")]))).toEqual(refused);
    expect(JSON.parse(node(['--input-type=module', '-e', unregistered("import superjson from 'superjson'; import * as lib from 'rx-redis-events';")]))).toEqual(refused);
  });
});
