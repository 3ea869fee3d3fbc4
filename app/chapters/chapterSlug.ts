/**
 * A chapter's URL slug comes from its file name, so links stay stable when chapters are
 * renumbered: `chapters/00-start.md` and `chapters/07-start.md` are both `/chapters/start`.
 * `chapters/README.md` documents the chapter format for instructors and is not a chapter.
 */
const CHAPTER_FILE = /^(?:\d+-)?([^/]+)\.md$/;

/** The slug of a chapter file (a path or a bare file name), or null if it is not a chapter file. */
export function chapterSlugFromFile(path: string): string | null {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  if (fileName.toLowerCase() === 'readme.md') return null;
  const match = CHAPTER_FILE.exec(fileName);
  return match?.[1] ?? null;
}
