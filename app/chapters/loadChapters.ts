/**
 * Where the page gets chapters from. The contents, previous/next and the course's totals read the
 * build's index (`virtual:chapter-index`, scripts/chapterIndexPlugin.ts), a chunk of its own; a
 * chapter page fetches only its own file. The files are discovered at build time: Vite turns the
 * glob into one lazily loaded module per file, so adding `chapters/NN-name.md` is all it takes to
 * publish a chapter.
 */
import type { Chapter, ChapterListing } from './chapterCatalog';
import { buildChapterCatalog, findChapter } from './chapterCatalog';

// chapters/README.md documents the format for authors: not a chapter, so never fetched.
const chapterLoaders = import.meta.glob<string>(['/chapters/*.md', '!/chapters/README.md'], {
  query: '?raw',
  import: 'default',
});

let index: Promise<readonly ChapterListing[]> | undefined;
const chapters = new Map<string, Promise<Chapter | undefined>>();

/** The course's chapters in reading order, without their text, loaded once and shared. */
export function loadChapterIndex(): Promise<readonly ChapterListing[]> {
  if (!index) {
    index = import('virtual:chapter-index').then((module) => module.default);
    index.catch(() => (index = undefined));
  }
  return index;
}

/** The chapter a slug names, read from its own file only; undefined for an unknown slug. */
export function loadChapter(slug: string): Promise<Chapter | undefined> {
  let chapter = chapters.get(slug);
  if (!chapter) {
    chapter = loadChapterIndex().then(async (listings) => {
      const listing = findChapter(listings, slug);
      const path = listing && `/chapters/${listing.fileName}`;
      const load = path === undefined ? undefined : chapterLoaders[path];
      if (path === undefined || !load) return undefined;
      return buildChapterCatalog({ [path]: await load() })[0];
    });
    // A failed fetch (offline before the site was cached) is tried again on the next visit.
    chapter.catch(() => chapters.delete(slug));
    chapters.set(slug, chapter);
  }
  return chapter;
}
