/**
 * The chapters are discovered at build time: Vite turns this glob into one lazily loaded module
 * per file, so adding `chapters/NN-name.md` is all it takes to publish a chapter.
 */
import type { Chapter } from './chapterCatalog';
import { buildChapterCatalog } from './chapterCatalog';

// chapters/README.md documents the format for authors: not a chapter, so never fetched.
const chapterLoaders = import.meta.glob<string>(['/chapters/*.md', '!/chapters/README.md'], {
  query: '?raw',
  import: 'default',
});

let catalog: Promise<Chapter[]> | undefined;

/** The course's chapters in reading order, loaded once and shared by every page. */
export function loadChapterCatalog(): Promise<Chapter[]> {
  catalog ??= loadSources().then(buildChapterCatalog);
  return catalog;
}

async function loadSources(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(chapterLoaders).map(async ([path, load]) => [path, await load()] as const),
  );
  return Object.fromEntries(entries);
}
