/**
 * A chapter's URL slug comes from its file name, so links stay stable when chapters are
 * renumbered: `chapters/00-start.md` and `chapters/07-start.md` are both `/chapters/start`.
 */
const CHAPTER_FILE = /^(?:\d+-)?([^/]+)\.md$/;

/** The slug of a chapter file (a path or a bare file name), or null if it is not a Markdown file. */
export function chapterSlugFromFile(path: string): string | null {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const match = CHAPTER_FILE.exec(fileName);
  return match?.[1] ?? null;
}
