import { redisClusterBackend } from './redisClusterBackend';
import { runConformanceSuite } from './conformanceSuite';

jest.setTimeout(20_000);

runConformanceSuite(redisClusterBackend());
