/**
 * The chapter files read on the page, by the engine's chapter parser (the one the chapter check
 * uses). The ordering, slugs and broken-file handling live in chapterIndex.ts, shared with the
 * build's index; this module only binds the parser the page and the tests use.
 */
import { readChapter } from '../engine/index';
import type { Chapter } from './chapterIndex';
import { readChapterFiles } from './chapterIndex';

export type { Chapter, ChapterListing } from './chapterIndex';
export { chapterLabel, findChapter } from './chapterIndex';

/** Builds the catalog from `{ path: source }`; valid chapters by part and order, broken ones last. */
export function buildChapterCatalog(sourcesByPath: Record<string, string>): Chapter[] {
  return readChapterFiles(sourcesByPath, readChapter);
}
