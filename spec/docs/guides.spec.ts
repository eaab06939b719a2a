import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { documentPaths, headingAnchors, readDocument, relativeLinks, ROOT, sentences, wordCount } from '../support/documents';

/** A sentence longer than this fails; the guides aim at 50 words at most. */
const MAX_WORDS = 60;

describe('docs - the README and the guides', () => {
  it('docs - the README links to every guide, and there are guides', () => {
    const linked = new Set(relativeLinks(readDocument('README.md')).map((link) => link.file));
    const guides = documentPaths().filter((path) => path !== 'README.md');
    expect(guides.length).toBeGreaterThanOrEqual(10);
    expect(guides.filter((guide) => !linked.has(guide))).toEqual([]);
  });

  it.each(documentPaths())('docs - every relative link of %s names a file that exists, and a heading of it for an anchor', (path) => {
    const broken = relativeLinks(readDocument(path)).filter(({ file, anchor }) => {
      const target = file === '' ? path : normalize(join(dirname(path), file));
      if (!existsSync(join(ROOT, target))) return true;
      return anchor !== undefined && (!target.endsWith('.md') || !headingAnchors(readDocument(target)).includes(anchor));
    });
    expect(broken).toEqual([]);
  });

  it.each(documentPaths())(`docs - no sentence of %s has more than ${MAX_WORDS} words (code blocks and tables aside)`, (path) => {
    const long = sentences(readDocument(path)).filter((sentence) => wordCount(sentence) > MAX_WORDS);
    expect(long).toEqual([]);
  });

  it('docs - a sentence of 61 words fails the check, a list of short ones passes it', () => {
    const long = `${'word '.repeat(60)}end.`;
    expect(sentences(`Intro.\n\n${long} Next one.\n`).map(wordCount)).toEqual([1, 61, 2]);
    expect(sentences(`- ${'a '.repeat(30)}b\n- ${'c '.repeat(30)}d\n\n| ${'t '.repeat(80)} |\n\n\`\`\`ts\n${long}\n\`\`\`\n`).map(wordCount)).toEqual([31, 31]);
  });

  it('docs - anchors are made as GitHub makes them', () => {
    expect(headingAnchors('# Wire format\n\n## NestJS: `rx-redis-events/nestjs`\n\n```sh\n# not a heading\n```\n### Groups: start, move, remove, and history\n')).toEqual([
      'wire-format',
      'nestjs-rx-redis-eventsnestjs',
      'groups-start-move-remove-and-history',
    ]);
  });
});
