import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aclSetUserLine, README_ACL_USER } from '../support/acl';

describe('security - README', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  it('README - the Security section holds the ACL SETUSER line that the ACL conformance run uses', () => {
    const section = readme.slice(readme.indexOf('## Security\n'));
    expect(section).toContain(`\n${aclSetUserLine(README_ACL_USER)}\n`);
  });
});
