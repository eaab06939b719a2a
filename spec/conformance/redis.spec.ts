import { redisBackend } from './redisBackend';
import { runConformanceSuite } from './conformanceSuite';

runConformanceSuite(redisBackend());
