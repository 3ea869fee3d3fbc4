/**
 * The course's chapter files, read once each, and the small index the contents are drawn from.
 *
 * The build (scripts/chapterIndexPlugin.ts) runs `buildChapterIndex` over every chapter file and
 * ships only the result, so the home page, the contents dialog, previous/next and the course's
 * exercise totals never fetch a chapter file: 40 chapters cost a few bytes more than 7, and the
 * chapter page fetches only its own file. Pure and without a value import of the engine, so the
 * build runs it in Node with the engine's chapter parser passed in (`read`).
 */
import type { ChapterBlock, ChapterMeta, ChapterRead } from '../engine/index';
import { chapterCellCount, chapterExerciseCount } from '../markdown/chapterSegments';
import { chapterSlugFromFile } from './chapterSlug';

/** The engine's tolerant chapter parser (`readChapter` in app/engine/chapterFormat.ts). */
export type ChapterReader = (source: string) => ChapterRead;

/** What the contents know of a chapter file, without its text: one entry of the build's index. */
export interface ChapterListing {
  readonly slug: string;
  readonly fileName: string;
  /** Null when the front matter is missing or invalid; the chapter is still listed and readable. */
  readonly meta: ChapterMeta | null;
  /** Non-empty when the file needs fixing. */
  readonly problems: readonly string[];
  /** Set when an earlier file (by path) has the same slug: that file owns the URL, not this one. */
  readonly duplicateOf: string | null;
  /** Cells the chapter has, exercises included (the progress total). */
  readonly cells: number;
  readonly exercises: number;
}

/** One chapter file as the chapter page shows it: its listing plus its text as the parser read it. */
export interface Chapter extends ChapterListing {
  /** The Markdown after the front matter. */
  readonly body: string;
  /** The body as the chapter parser reads it: Markdown, cells (with expectations), diagrams. */
  readonly blocks: readonly ChapterBlock[];
}

/** Reads `{ path: source }`; valid chapters by part and order, broken ones last. */
export function readChapterFiles(
  sourcesByPath: Readonly<Record<string, string>>,
  read: ChapterReader,
): Chapter[] {
  const chapters: Chapter[] = [];
  const slugOwners = new Map<string, string>();

  for (const path of Object.keys(sourcesByPath).sort()) {
    const slug = chapterSlugFromFile(path);
    if (slug === null) continue;
    const fileName = path.slice(path.lastIndexOf('/') + 1);
    const { front: parsed, blocks } = read(sourcesByPath[path]!);
    const problems = parsed.ok ? [] : [...parsed.problems];

    const duplicateOf = slugOwners.get(slug) ?? null;
    if (duplicateOf === null) {
      slugOwners.set(slug, fileName);
    } else {
      problems.push(`its URL /chapters/${slug} is already taken by ${duplicateOf}`);
    }
    chapters.push({
      slug,
      fileName,
      meta: parsed.ok ? parsed.meta : null,
      problems,
      duplicateOf,
      cells: chapterCellCount(blocks),
      exercises: chapterExerciseCount(blocks),
      body: parsed.body,
      blocks,
    });
  }

  return chapters.sort(compareChapters);
}

/** The index the build ships: every chapter file's listing, in reading order, without its text. */
export function buildChapterIndex(
  sourcesByPath: Readonly<Record<string, string>>,
  read: ChapterReader,
): ChapterListing[] {
  return readChapterFiles(sourcesByPath, read).map(
    ({ slug, fileName, meta, problems, duplicateOf, cells, exercises }) => ({
      slug,
      fileName,
      meta,
      problems,
      duplicateOf,
      cells,
      exercises,
    }),
  );
}

function compareChapters(a: ChapterListing, b: ChapterListing): number {
  if (a.meta && b.meta) {
    return (
      a.meta.part - b.meta.part ||
      a.meta.order - b.meta.order ||
      a.fileName.localeCompare(b.fileName)
    );
  }
  if (a.meta) return -1;
  if (b.meta) return 1;
  return a.fileName.localeCompare(b.fileName);
}

/** The chapter a URL slug names, or undefined; the first file wins if two share a slug. */
export function findChapter<C extends ChapterListing>(
  chapters: readonly C[],
  slug: string,
): C | undefined {
  return chapters.find((chapter) => chapter.slug === slug && chapter.duplicateOf === null);
}

/** The name a chapter is listed under: its title, or its file name while its front matter is broken. */
export function chapterLabel(chapter: ChapterListing): string {
  return chapter.meta?.title ?? chapter.fileName;
}
