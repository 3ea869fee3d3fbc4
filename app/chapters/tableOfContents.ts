/**
 * The table of contents and the reading order, from the chapter files and the course plan. Pure,
 * so the matching of files to planned slots and previous/next are tested in Node.
 *
 * A written chapter takes the planned slot with its part and order; one whose order matches no
 * slot takes the first free slot of its part, and one left over is still listed (after the
 * part's slots), so adding a chapter never hides it. Broken files come last in a group of their own.
 */
import type { ChapterListing } from './chapterIndex';
import type { PlannedChapter } from './coursePlan';
import { partHeading } from './courseParts';

export type TocEntry =
  | { readonly kind: 'written'; readonly number: string | null; readonly chapter: ChapterListing }
  | { readonly kind: 'planned'; readonly number: string; readonly title: string };

export interface TocPart {
  /** The part number, or null for the group of chapter files that need fixing. */
  readonly part: number | null;
  readonly heading: string;
  readonly entries: readonly TocEntry[];
}

export function buildTableOfContents(
  chapters: readonly ChapterListing[],
  plan: readonly PlannedChapter[],
): TocPart[] {
  const written = chapters.filter((chapter) => chapter.meta !== null);
  const broken = chapters.filter((chapter) => chapter.meta === null);
  const partNumbers = [
    ...new Set([...plan.map((entry) => entry.part), ...written.map((c) => c.meta!.part)]),
  ].sort((a, b) => a - b);

  const parts: TocPart[] = partNumbers.map((part) => {
    const slots = plan.filter((entry) => entry.part === part);
    const inPart = written.filter((chapter) => chapter.meta!.part === part);
    const taken = new Map<PlannedChapter, ChapterListing>();
    const unplaced: ChapterListing[] = [];
    for (const chapter of inPart) {
      const slot = slots.find((s) => s.order === chapter.meta!.order && !taken.has(s));
      if (slot) taken.set(slot, chapter);
      else unplaced.push(chapter);
    }
    const extra: ChapterListing[] = [];
    for (const chapter of unplaced) {
      const free = slots.find((s) => !taken.has(s));
      if (free) taken.set(free, chapter);
      else extra.push(chapter);
    }
    const entries: TocEntry[] = [
      ...slots.map((slot): TocEntry => {
        const chapter = taken.get(slot);
        return chapter
          ? { kind: 'written', number: slot.number, chapter }
          : { kind: 'planned', number: slot.number, title: slot.title };
      }),
      ...extra.map((chapter): TocEntry => ({ kind: 'written', number: null, chapter })),
    ];
    return { part, heading: partHeading(part), entries };
  });
  if (broken.length > 0) {
    parts.push({
      part: null,
      heading: 'Chapters that need fixing',
      entries: broken.map((chapter) => ({ kind: 'written', number: null, chapter })),
    });
  }
  return parts;
}

/** The chapters a reader can open, in reading order: every written entry of the contents. */
export function readingOrder(toc: readonly TocPart[]): ChapterListing[] {
  return toc.flatMap((part) =>
    part.entries.flatMap((entry) =>
      entry.kind === 'written' && entry.chapter.duplicateOf === null ? [entry.chapter] : [],
    ),
  );
}

/** The chapters before and after `slug` in reading order (planned-only entries are skipped). */
export function neighbours(
  order: readonly ChapterListing[],
  slug: string,
): { previous: ChapterListing | null; next: ChapterListing | null } {
  const index = order.findIndex((chapter) => chapter.slug === slug);
  if (index === -1) return { previous: null, next: null };
  return { previous: order[index - 1] ?? null, next: order[index + 1] ?? null };
}
