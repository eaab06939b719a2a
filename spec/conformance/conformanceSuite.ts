import type { StreamCapability } from '../../src/transport/StreamTransport';
import type { BackendContext, BackendFeatures, ConformanceBackend } from './backend';
import { broadcastSuite } from './broadcastSuite';
import { codecSuite } from './codecSuite';
import { consumerSuite } from './consumerSuite';
import { describeSuite } from './describeSuite';
import { eventStreamSuite } from './eventStreamSuite';
import { groupsSuite } from './groupsSuite';
import { historySuite } from './historySuite';
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
import { scheduleSuite } from './scheduleSuite';
import { signalSuite } from './signalSuite';
import { validationSuite } from './validationSuite';

/** One suite, and the optional capabilities of the stream transport its behaviours rely on. */
interface Suite {
  readonly title: string;
  readonly needs: readonly StreamCapability[];
  readonly run: (ctx: () => BackendContext, features: BackendFeatures) => void;
}

const SUITES: readonly Suite[] = [
  // redelivery after claimIdleAfterMs, and waiting for groups through describe
  { title: 'event streams', needs: ['claims', 'admin'], run: eventStreamSuite },
  { title: 'consumers', needs: ['claims'], run: consumerSuite },
  { title: 'broadcast streams', needs: [], run: broadcastSuite },
  { title: 'lifecycle', needs: ['claims', 'hygiene'], run: lifecycleSuite },
  { title: 'reliability', needs: ['claims', 'admin'], run: reliabilitySuite },
  // what a subscription read but never emitted is handed back with markIdle
  { title: 'robustness', needs: ['claims'], run: robustnessSuite },
  { title: 'leases and group hygiene', needs: ['renewal', 'claims', 'hygiene', 'admin'], run: leaseSuite },
  { title: 'limits', needs: ['admin'], run: limitsSuite },
  { title: 'safe decoding', needs: ['admin'], run: safeDecodingSuite },
  { title: 'describe', needs: ['admin'], run: describeSuite },
  { title: 'instrumentation', needs: ['claims', 'admin'], run: instrumentationSuite },
  { title: 'partitions', needs: ['admin'], run: partitionSuite },
  // moveGroup and removeGroup; describe for lag and consumers
  { title: 'groups', needs: ['groups', 'admin'], run: groupsSuite },
  { title: 'history', needs: ['admin'], run: historySuite },
  { title: 'ordered', needs: ['partitionLeases', 'claims'], run: orderedSuite },
  { title: 'idempotency', needs: ['claims', 'admin'], run: idempotencySuite },
  { title: 'signal', needs: ['claims', 'admin'], run: signalSuite },
  { title: 'iterate', needs: ['claims'], run: iterateSuite },
  // stored values read back with read, dead letters listed
  { title: 'codecs', needs: ['admin'], run: codecSuite },
  // a consumer that stops during a validation hands the entry back (markIdle) for the next one's claim walk
  { title: 'schemas', needs: ['claims', 'admin'], run: validationSuite },
  // describe shows what waits
  { title: 'scheduled events', needs: ['scheduling', 'admin'], run: scheduleSuite },
];

/**
 * The behaviour every backend must show, as far as its stream transport's declared capabilities
 * reach: a suite runs when the backend has every capability it needs. Call it from one spec file per backend.
 */
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

    const { features } = backend;
    for (const suite of SUITES) {
      if (suite.needs.every((capability) => features.capabilities.includes(capability))) describe(suite.title, () => suite.run(ctx, features));
    }
  });
}
