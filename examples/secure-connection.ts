/**
 * Connecting with an ACL user, and over TLS. Compiled with the other examples; it runs only against
 * a real server: `REDIS_HOST=... CERT_DIR=... npx tsx examples/secure-connection.ts`
 * (spec/security/tls.spec.ts runs the same settings against a private TLS redis-server).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEventService, eventStream, type EventService } from 'rx-redis-events';

/** The two services of the Security guide (`docs/security.md`), reading `ca.crt`, `client.crt` and `client.key` from the working directory. */
export function createServices(): { plain: EventService; secure: EventService } {
  // An ACL user and password in the URL
  const plain = createEventService({ group: 'orders', prefix: 'orders:', redis: 'redis://orders-service:change-me@redis.internal:6379' });

  // TLS: the CA that signed the server's certificate; cert and key only if the server requires client certificates
  const secure = createEventService({
    group: 'orders',
    prefix: 'orders:',
    redis: {
      url: 'rediss://orders-service:change-me@redis.internal:6380',
      tls: { ca: readFileSync('ca.crt'), cert: readFileSync('client.crt'), key: readFileSync('client.key') },
    },
  });
  return { plain, secure };
}

if (require.main === module) {
  process.chdir(process.env.CERT_DIR ?? join(__dirname, '..'));
  const { plain, secure } = createServices();
  // a read-only call on each: the dead letters of one stream
  const placed = eventStream<unknown>('placed');
  Promise.all([plain.deadLetters(placed), secure.deadLetters(placed)])
    .then(() => Promise.all([plain.close(), secure.close()]))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
