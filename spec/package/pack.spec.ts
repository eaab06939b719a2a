import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentPaths } from '../support/documents';

const root = join(__dirname, '..', '..');

interface PackedFile {
  readonly path: string;
}

/** What `npm pack` would publish, without building or writing anything. */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const [pack] = JSON.parse(out) as [{ files: PackedFile[] }];
  return pack.files.map((file) => file.path).sort();
}

/** A built file: the entry points and their shared chunks, declarations and source maps, directly under dist/. */
const BUILT_FILE = /^dist\/[\w.-]+\.(js|mjs|cjs|d\.ts|d\.mts|d\.cts)(\.map)?$/;

describe('package - what npm publishes', () => {
  it('package - the tarball holds dist/, README.md, the guides (docs/*.md), LICENSE and package.json, nothing else', () => {
    const builtBefore = existsSync(join(root, 'dist'));
    const files = packedFiles();
    const builtAfter = existsSync(join(root, 'dist'));
    const topLevel = [...new Set(files.map((path) => path.split('/')[0]))].sort();
    if (builtBefore && builtAfter) {
      expect(topLevel).toEqual(['LICENSE', 'README.md', 'dist', 'docs', 'package.json']);
    } else if (!builtBefore && !builtAfter) {
      expect(topLevel).toEqual(['LICENSE', 'README.md', 'docs', 'package.json']); // not built: dist/ comes from the build
    } else {
      expect(topLevel.filter((entry) => entry !== 'dist')).toEqual(['LICENSE', 'README.md', 'docs', 'package.json']); // a build ran meanwhile
    }
    expect(files.filter((path) => path.startsWith('dist/') && !BUILT_FILE.test(path))).toEqual([]);
    // the README links to every guide: they ship, and nothing else of docs/ (not the API site in docs/api)
    expect(files.filter((path) => path.startsWith('docs/'))).toEqual(documentPaths().filter((path) => path !== 'README.md'));
  });

  it('package - package.json lists exactly those files and the MIT license, and LICENSE holds the MIT text', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; license: string };
    expect(manifest.files).toEqual(['dist', 'README.md', 'docs/*.md', 'LICENSE']);
    expect(manifest.license).toBe('MIT');
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(license.split('\n').slice(0, 3)).toEqual(['MIT License', '', 'Copyright (c) 2026 rx-redis-events contributors']);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });
});
