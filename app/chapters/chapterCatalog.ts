/**
 * Turns the chapter files into the course's table of contents: one entry per file, in reading
 * order, each read once by the engine's chapter parser (the one the chapter check uses). Pure, so
 * the ordering and the handling of broken files are tested without a bundler.
 */
import type { ChapterBlock, ChapterMeta } from '../engine/index';
import { readChapter } from '../engine/index';
import { chapterSlugFromFile } from './chapterSlug';

/** One chapter file as the app shows it; `problems` is non-empty when its file needs fixing. */
export interface Chapter {
  slug: string;
  fileName: string;
  /** Null when the front matter is missing or invalid; the chapter is still listed and readable. */
  meta: ChapterMeta | null;
  problems: string[];
  /** The Markdown after the front matter. */
  body: string;
  /** The body as the chapter parser reads it: Markdown, cells (with expectations), diagrams. */
  blocks: readonly ChapterBlock[];
  /** Set when an earlier file (by path) has the same slug: that file owns the URL, not this one. */
  duplicateOf: string | null;
}

/** Builds the catalog from `{ path: source }`; valid chapters by part and order, broken ones last. */
export function buildChapterCatalog(sourcesByPath: Record<string, string>): Chapter[] {
  const chapters: Chapter[] = [];
  const slugOwners = new Map<string, string>();

  const paths = Object.keys(sourcesByPath).sort();
  for (const path of paths) {
    const source = sourcesByPath[path]!;
    const slug = chapterSlugFromFile(path);
    if (slug === null) continue;
    const fileName = path.slice(path.lastIndexOf('/') + 1);
    const { front: parsed, blocks } = readChapter(source);
    const problems = parsed.ok ? [] : [...parsed.problems];

    const duplicateOf = slugOwners.get(slug) ?? null;
    if (duplicateOf === null) {
      slugOwners.set(slug, fileName);
    } else {
      problems.push(`its URL /chapters/${slug} is already taken by ${duplicateOf}`);
    }
    const meta = parsed.ok ? parsed.meta : null;
    chapters.push({ slug, fileName, meta, problems, body: parsed.body, blocks, duplicateOf });
  }

  return chapters.sort(compareChapters);
}

function compareChapters(a: Chapter, b: Chapter): number {
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
export function findChapter(chapters: readonly Chapter[], slug: string): Chapter | undefined {
  return chapters.find((chapter) => chapter.slug === slug && chapter.duplicateOf === null);
}

/** The name a chapter is listed under: its title, or its file name while its front matter is broken. */
export function chapterLabel(chapter: Chapter): string {
  return chapter.meta?.title ?? chapter.fileName;
}
