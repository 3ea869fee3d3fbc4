import { describe, expect, it } from 'vitest';
import { buildChapterCatalog, chapterLabel, findChapter } from '../chapters/chapterCatalog';

const chapter = (title: string, part: number, order: number) =>
  `---\ntitle: ${title}\npart: ${part}\norder: ${order}\n---\n# ${title}\n`;

describe('buildChapterCatalog', () => {
  it('orders chapters by part, then by order, whatever their file names', () => {
    const catalog = buildChapterCatalog({
      '/chapters/30-genserver.md': chapter('GenServer', 3, 1),
      '/chapters/21-links.md': chapter('Links', 2, 3),
      '/chapters/20-basics.md': chapter('Basics', 2, 2),
      '/chapters/00-start.md': chapter('Start', 0, 0),
    });

    expect(catalog.map((entry) => entry.slug)).toEqual(['start', 'basics', 'links', 'genserver']);
  });

  it('lists a chapter with broken front matter last, under its file name, with its problems', () => {
    const catalog = buildChapterCatalog({
      '/chapters/05-broken.md': '# No front matter\n',
      '/chapters/00-start.md': chapter('Start', 0, 0),
    });

    const broken = catalog[1]!;
    expect(chapterLabel(broken)).toBe('05-broken.md');
    expect(broken.problems).toEqual(['the file does not start with a --- front matter block']);
    expect(findChapter(catalog, 'broken')?.body).toBe('# No front matter\n');
  });

  it('gives a shared slug to the first file and flags the second', () => {
    const catalog = buildChapterCatalog({
      '/chapters/07-intro.md': chapter('Second intro', 0, 0),
      '/chapters/01-intro.md': chapter('First intro', 1, 0),
    });

    expect(findChapter(catalog, 'intro')?.fileName).toBe('01-intro.md');
    const second = catalog.find((entry) => entry.fileName === '07-intro.md')!;
    expect(second.duplicateOf).toBe('01-intro.md');
    expect(second.problems).toEqual(['its URL /chapters/intro is already taken by 01-intro.md']);
  });

  it('finds nothing for an unknown slug', () => {
    expect(findChapter(buildChapterCatalog({}), 'missing')).toBeUndefined();
  });
});
