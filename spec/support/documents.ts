import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** The README and the guides (`docs/*.md`, not the API site under `docs/api`), as paths from the root. */
export function documentPaths(): string[] {
  const guides = readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...guides];
}

export function readDocument(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** The markdown without its fenced code blocks, tables and HTML comments: what a reader reads as prose. */
function prose(markdown: string): string {
  return markdown
    .replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('|'))
    .join('\n');
}

/**
 * The sentences of a document's prose. A paragraph, a list item and a heading each end a sentence;
 * inside them a sentence ends at `.`, `!` or `?` followed by a space and a capital letter, a quote or
 * markup. Inline code counts its words but never ends a sentence.
 */
export function sentences(markdown: string): string[] {
  const units = prose(markdown)
    .split(/\n(?=\s*\n|\s*[-*] |\s*\d+\. |#)/)
    .map((unit) => unit.replace(/\s+/g, ' ').trim())
    .filter((unit) => unit !== '');
  const hidden = '\u2024'; // a stop that ends no sentence: for those inside code and abbreviations
  return units.flatMap((unit) =>
    unit
      .replace(/`[^`]*`/g, (code) => code.replace(/[.!?]/g, hidden))
      .replace(/\b(e\.g|i\.e)\./g, (abbreviation) => abbreviation.replace(/\./g, hidden))
      .split(/(?<=[.!?])\s+(?=[A-Z*`_"'([])/)
      .map((sentence) => sentence.replaceAll(hidden, '.')),
  );
}

/** How many words a sentence has: its runs of non-space characters holding a letter or a digit. */
export function wordCount(sentence: string): number {
  return sentence.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** A relative link of a document (`[text](target)`, images included): the file it names, if any, and its `#anchor`. */
export interface RelativeLink {
  readonly file: string;
  readonly anchor: string | undefined;
}

export function relativeLinks(markdown: string): RelativeLink[] {
  const targets = [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
  return targets
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => {
      const [file = '', anchor] = target.split('#');
      return { file, anchor };
    });
}

/** The anchors of a document's headings, as GitHub makes them (and TypeDoc checks them): lower case, punctuation dropped, spaces as `-`. */
export function headingAnchors(markdown: string): string[] {
  const headings = prose(markdown).match(/^#{1,6} .*$/gm) ?? [];
  return headings.map((heading) =>
    heading
      .replace(/^#+ /, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-'),
  );
}
