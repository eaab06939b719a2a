import type { BackendContext, ConformanceBackend } from './backend';
import { broadcastSuite } from './broadcastSuite';
import { codecSuite } from './codecSuite';
import { consumerSuite } from './consumerSuite';
import { describeSuite } from './describeSuite';
import { eventStreamSuite } from './eventStreamSuite';
import { idempotencySuite } from './idempotencySuite';
import { instrumentationSuite } from './instrumentationSuite';
import { iterateSuite } from './iterateSuite';
import { leaseSuite } from './leaseSuite';
import { lifecycleSuite } from './lifecycleSuite';
import { limitsSuite } from './limitsSuite';
import { orderedSuite } from './orderedSuite';
import { partitionSuite } from './partitionSuite';
import { reliabilitySuite } from './reliabilitySuite';
import { robustnessSuite } from './robustnessSuite';
import { safeDecodingSuite } from './safeDecodingSuite';
import { signalSuite } from './signalSuite';
import { validationSuite } from './validationSuite';

/** The behaviour every backend must show. Call it from one spec file per backend. */
export function runConformanceSuite(backend: ConformanceBackend): void {
  describe(`conformance (${backend.name})`, () => {
    let current: BackendContext | undefined;
    const ctx = (): BackendContext => {
      if (!current) throw new Error('no backend context outside a test');
      return current;
    };
    beforeAll(() => backend.start());
    afterAll(() => backend.stop());
    beforeEach(() => {
      current = backend.context();
    });
    afterEach(async () => {
      await backend.cleanup();
      current = undefined;
    });

    describe('event streams', () => eventStreamSuite(ctx));
    describe('consumers', () => consumerSuite(ctx, backend.features));
    describe('broadcast streams', () => broadcastSuite(ctx));
    describe('lifecycle', () => lifecycleSuite(ctx));
    describe('reliability', () => reliabilitySuite(ctx));
    describe('robustness', () => robustnessSuite(ctx));
    describe('leases and group hygiene', () => leaseSuite(ctx));
    describe('limits', () => limitsSuite(ctx));
    describe('safe decoding', () => safeDecodingSuite(ctx));
    describe('describe', () => describeSuite(ctx));
    describe('instrumentation', () => instrumentationSuite(ctx));
    describe('partitions', () => partitionSuite(ctx));
    describe('ordered', () => orderedSuite(ctx));
    describe('idempotency', () => idempotencySuite(ctx));
    describe('signal', () => signalSuite(ctx));
    describe('iterate', () => iterateSuite(ctx));
    describe('codecs', () => codecSuite(ctx));
    describe('schemas', () => validationSuite(ctx));
  });
}
