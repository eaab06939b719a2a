// Jest globalSetup: the Redis specs start private redis-server processes, so fail fast (never skip) without one,
// and say which server they run on (scripts/fetch-server.sh puts a newer one first on PATH).
const { spawnSync } = require('node:child_process');

module.exports = async () => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-server is not on PATH: the Redis specs start private redis-server processes; ' +
        'install it (Debian/Ubuntu: apt-get install redis-server, macOS: brew install redis) and run npm test again',
    );
  }
  console.log(`\nspecs start private servers of: ${probe.stdout.split(' sha=')[0].trim()}`);
};
