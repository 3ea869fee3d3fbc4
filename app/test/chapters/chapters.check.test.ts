/**
 * The chapter check (`npm run chapters:check`): one test per chapter file, which runs the
 * chapter's cells in order, headless and in virtual time, and fails with every expectation the
 * chapter does not meet (file, line, expected and actual) or with every problem of a malformed file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildChapterCatalog } from '../../chapters/chapterCatalog';
import { checkChapterFile } from './headless';

const chaptersDir = fileURLToPath(new URL('../../../chapters/', import.meta.url));

const sources = Object.fromEntries(
  readdirSync(chaptersDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => [`chapters/${name}`, readFileSync(`${chaptersDir}${name}`, 'utf8')]),
);
// The app's own discovery rules: the same files are chapters here and on the site.
const catalog = buildChapterCatalog(sources);

describe('chapters', () => {
  it('has at least one chapter', () => {
    expect(catalog.length).toBeGreaterThan(0);
  });

  it.each(catalog.map((chapter) => [`chapters/${chapter.fileName}`, chapter] as const))(
    '%s shows what its expectations say',
    async (path, chapter) => {
      if (chapter.duplicateOf !== null) throw new Error(`${path}: ${chapter.problems.join('; ')}`);
      const { passed, report } = await checkChapterFile(sources[path]!, path);
      if (!passed) throw new Error(`\n${report}`);
    },
    60_000,
  );
});
