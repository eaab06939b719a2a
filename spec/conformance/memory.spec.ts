import { memoryBackend } from './memoryBackend';
import { runConformanceSuite } from './conformanceSuite';

runConformanceSuite(memoryBackend());
