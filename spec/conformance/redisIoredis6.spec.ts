import { Redis as Redis6 } from 'ioredis6';
import { runConformanceSuite } from './conformanceSuite';
import { redisBackend } from './redisBackend';

// The whole conformance suite with every service given a client of ioredis 6 (RESP3 by default),
// recognised by its shape although it is not an instance of the library's ioredis 5.
runConformanceSuite(redisBackend({ client: { name: 'an ioredis 6 client', open: (url) => new Redis6(url) } }));
