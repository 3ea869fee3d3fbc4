import { describe, expect, it } from 'vitest';
import { buildChapterCatalog } from '../chapters/chapterCatalog';
import type { PlannedChapter } from '../chapters/coursePlan';
import { COURSE_PLAN } from '../chapters/coursePlan';
import { buildTableOfContents, neighbours, readingOrder } from '../chapters/tableOfContents';

const file = (title: string, part: number, order: number) =>
  `---\ntitle: ${title}\npart: ${part}\norder: ${order}\n---\n\n# ${title}\n`;

const PLAN: PlannedChapter[] = [
  { number: '0', part: 0, order: 0, title: 'Planned start' },
  { number: '1.1', part: 1, order: 1, title: 'Planned one' },
  { number: '1.2', part: 1, order: 2, title: 'Planned two' },
  { number: '2', part: 2, order: 1, title: 'Planned part two' },
];

describe('buildTableOfContents', () => {
  it('puts written chapters in their planned slots and marks the others as coming', () => {
    const chapters = buildChapterCatalog({
      '/chapters/00-start.md': file('Start', 0, 0),
      '/chapters/12-two.md': file('Two', 1, 2),
    });
    const toc = buildTableOfContents(chapters, PLAN);
    expect(
      toc.map((part) =>
        part.entries.map((entry) =>
          entry.kind === 'written'
            ? `${entry.number} ${entry.chapter.meta?.title}`
            : `${entry.number} coming`,
        ),
      ),
    ).toEqual([['0 Start'], ['1.1 coming', '1.2 Two'], ['2 coming']]);
    expect(toc.map((part) => part.heading)).toEqual([
      'Part 0 · Start',
      'Part 1 · Concurrency',
      'Part 2 · Processes',
    ]);
  });

  it('never hides a chapter: an unplanned order takes a free slot, extras and broken files follow', () => {
    const chapters = buildChapterCatalog({
      '/chapters/20-single.md': file('Single', 2, 0),
      '/chapters/21-extra.md': file('Extra', 2, 5),
      '/chapters/30-new-part.md': file('New part', 3, 1),
      '/chapters/99-broken.md': 'no front matter',
    });
    const toc = buildTableOfContents(chapters, PLAN);
    const titles = (part: number | null) =>
      toc
        .find((p) => p.part === part)!
        .entries.map((entry) => (entry.kind === 'written' ? chapterTitle(entry) : null));
    expect(titles(2)).toEqual(['Single', 'Extra']);
    expect(titles(3)).toEqual(['New part']);
    expect(titles(null)).toEqual(['99-broken.md']);
  });

  it('plans every part of the curriculum, 0 to 10, with unique numbers', () => {
    expect([...new Set(COURSE_PLAN.map((entry) => entry.part))]).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const numbers = COURSE_PLAN.map((entry) => entry.number);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe('reading order', () => {
  it('goes through written chapters only, and has no neighbour past either end', () => {
    const chapters = buildChapterCatalog({
      '/chapters/00-start.md': file('Start', 0, 0),
      '/chapters/12-two.md': file('Two', 1, 2),
      '/chapters/20-single.md': file('Single', 2, 1),
    });
    const order = readingOrder(buildTableOfContents(chapters, PLAN));
    expect(order.map((chapter) => chapter.slug)).toEqual(['start', 'two', 'single']);
    const slugOf = (chapter: { slug: string } | null) => chapter?.slug ?? null;
    const around = (slug: string) => {
      const { previous, next } = neighbours(order, slug);
      return [slugOf(previous), slugOf(next)];
    };
    expect(around('start')).toEqual([null, 'two']);
    expect(around('two')).toEqual(['start', 'single']);
    expect(around('single')).toEqual(['two', null]);
    expect(around('missing')).toEqual([null, null]);
  });
});

function chapterTitle(entry: { chapter: { meta: { title: string } | null; fileName: string } }) {
  return entry.chapter.meta?.title ?? entry.chapter.fileName;
}
