import { DOCUMENTED_ACL_USER } from '../support/acl';
import { runConformanceSuite } from '../conformance/conformanceSuite';
import { redisBackend } from '../conformance/redisBackend';

// The whole conformance suite, run by the Security guide's least-privilege user: only the library's
// commands, only on its prefix. The backend fails the file if Redis refused it any command.
runConformanceSuite(redisBackend({ user: DOCUMENTED_ACL_USER }));
