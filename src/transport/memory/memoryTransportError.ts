import { TransportError } from '../../errors/TransportError';
import { MissingGroupError } from './MemoryStream';

/** The {@link TransportError} of a failed memory operation: `NOGROUP` for a missing group, as Redis would say. */
export function memoryTransportError(operation: string, error: unknown): TransportError {
  return new TransportError(operation, error, error instanceof MissingGroupError ? { code: 'NOGROUP' } : {});
}
