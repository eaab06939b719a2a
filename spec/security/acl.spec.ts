import { README_ACL_USER } from '../support/acl';
import { runConformanceSuite } from '../conformance/conformanceSuite';
import { redisBackend } from '../conformance/redisBackend';

// The whole conformance suite, run by the README's least-privilege user: only the library's
// commands, only on its prefix. The backend fails the file if Redis refused it any command.
runConformanceSuite(redisBackend({ user: README_ACL_USER }));
