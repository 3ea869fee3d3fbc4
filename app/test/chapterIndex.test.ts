import { describe, expect, it } from 'vitest';
import { buildChapterCatalog } from '../chapters/chapterCatalog';
import { buildChapterIndex } from '../chapters/chapterIndex';
import { readChapter } from '../engine/index';

const front = (title: string, part: number, order: number) =>
  `---\ntitle: ${title}\npart: ${part}\norder: ${order}\n---\n`;

const WITH_CELLS = `${front('Links', 2, 3)}
# Links

\`\`\`ts
const a = 1;
\`\`\`

Some prose.

\`\`\`ts
a + 1;
\`\`\`
`;

const WITH_EXERCISE = `${front('Monitors', 2, 4)}
# Monitors

\`\`\`ts
spawn(() => 1);
\`\`\`

\`\`\`ts exercise=watch
// your code
\`\`\`

\`\`\`ts solution=watch
1;
\`\`\`

\`\`\`ts check=watch
check.equal(1, 1);
\`\`\`
`;

describe('buildChapterIndex', () => {
  it('lists every chapter in reading order with its title, part, order and slug', () => {
    const index = buildChapterIndex(
      {
        '/chapters/23-links.md': WITH_CELLS,
        '/chapters/00-start.md': `${front('Start here', 0, 0)}\n# Start\n`,
      },
      readChapter,
    );

    expect(index.map(({ slug, fileName, meta }) => ({ slug, fileName, meta }))).toEqual([
      { slug: 'start', fileName: '00-start.md', meta: { title: 'Start here', part: 0, order: 0 } },
      { slug: 'links', fileName: '23-links.md', meta: { title: 'Links', part: 2, order: 3 } },
    ]);
  });

  it('counts cells and exercises the way the chapter page draws them', () => {
    const sources = {
      '/chapters/23-links.md': WITH_CELLS,
      '/chapters/24-monitors.md': WITH_EXERCISE,
    };
    const index = buildChapterIndex(sources, readChapter);

    expect(index.map(({ slug, cells, exercises }) => ({ slug, cells, exercises }))).toEqual([
      { slug: 'links', cells: 2, exercises: 0 },
      { slug: 'monitors', cells: 2, exercises: 1 },
    ]);
  });

  it('keeps no chapter text: only what the contents show', () => {
    const [entry] = buildChapterIndex({ '/chapters/23-links.md': WITH_CELLS }, readChapter);

    expect(Object.keys(entry!).sort()).toEqual(
      ['cells', 'duplicateOf', 'exercises', 'fileName', 'meta', 'problems', 'slug'].sort(),
    );
    expect(JSON.stringify(entry)).not.toContain('Some prose');
  });

  it('lists a broken file last with its problems, and a second file with a taken slug as a duplicate', () => {
    const index = buildChapterIndex(
      {
        '/chapters/05-broken.md': '# No front matter\n',
        '/chapters/07-links.md': WITH_CELLS,
        '/chapters/23-links.md': WITH_CELLS,
      },
      readChapter,
    );

    expect(index.map((entry) => [entry.fileName, entry.duplicateOf, entry.problems])).toEqual([
      ['07-links.md', null, []],
      ['23-links.md', '07-links.md', ['its URL /chapters/links is already taken by 07-links.md']],
      ['05-broken.md', null, ['the file does not start with a --- front matter block']],
    ]);
  });

  it('says of every chapter what the full catalog the chapter page reads says', () => {
    const sources = {
      '/chapters/23-links.md': WITH_CELLS,
      '/chapters/24-monitors.md': WITH_EXERCISE,
      '/chapters/05-broken.md': '# No front matter\n',
    };
    const index = buildChapterIndex(sources, readChapter);
    const catalog = buildChapterCatalog(sources);

    expect(index).toEqual(catalog.map(({ body: _body, blocks: _blocks, ...listing }) => listing));
  });
});
