import type { SchedulerLike } from 'rxjs';
import { withTimeout } from '../internal/withTimeout';
import type { StreamTransport } from '../transport/StreamTransport';
import type { ServerReport } from './ServiceHealth';

/** The server's report, waiting at most `timeoutMs`; a server that does not answer is a `server-unreachable` warning, never a failure. */
export async function checkServer(transport: StreamTransport, timeoutMs: number, scheduler: SchedulerLike): Promise<ServerReport> {
  const timedOut = () => new Error(`no answer within ${timeoutMs} ms`);
  try {
    return await withTimeout(transport.serverReport(), timeoutMs, scheduler, timedOut);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return { server: undefined, warnings: [{ code: 'server-unreachable', message: `the server's settings could not be read: ${cause instanceof Error ? cause.message : String(cause)}` }] };
  }
}
