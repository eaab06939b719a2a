import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aclSetUserLine, DOCUMENTED_ACL_USER } from '../support/acl';

describe('security - the Security guide', () => {
  const guide = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');

  it('guide - its least-privilege section holds the ACL SETUSER line that the ACL conformance run uses', () => {
    const section = guide.slice(guide.indexOf('\n## Least privilege: a Redis ACL user\n'), guide.indexOf('\n## Authentication and TLS\n'));
    expect(section).toContain(`\n${aclSetUserLine(DOCUMENTED_ACL_USER)}\n`);
  });
});
