/**
 * The text of a chapter as a file, for export: a built chapter's file as the build bundled it,
 * or a local chapter's text from this browser's storage.
 */
import { browserStorage } from '../persistence/chapterStorage';
import { localIdOfSlug, listLocalChapters, readLocalChapterText } from './localChapters';
import { loadChapterIndex } from '../chapters/loadChapters';

// The same files loadChapters.ts bundles (Vite shares the modules): the raw text, front matter
// included, which the index does not keep.
const chapterFiles = import.meta.glob<string>(['/chapters/*.md', '!/chapters/README.md'], {
  query: '?raw',
  import: 'default',
});

/** A chapter's file: its name and its text; null when there is no such chapter. */
export async function chapterFile(
  slug: string,
): Promise<{ fileName: string; text: string } | null> {
  const localId = localIdOfSlug(slug);
  if (localId !== null) {
    const storage = browserStorage();
    const text = readLocalChapterText(storage, localId);
    const entry = listLocalChapters(storage).entries.find((e) => e.id === localId);
    return text === null ? null : { fileName: entry?.fileName ?? `${localId}.md`, text };
  }
  const chapter = (await loadChapterIndex()).find((c) => c.slug === slug && c.duplicateOf === null);
  const load = chapter ? chapterFiles[`/chapters/${chapter.fileName}`] : undefined;
  return chapter && load ? { fileName: chapter.fileName, text: await load() } : null;
}
