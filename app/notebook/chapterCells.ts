/**
 * How many runnable cells a chapter has, for progress in the table of contents. Splitting a
 * chapter costs a Markdown lex, so the count is remembered per chapter text.
 */
import { splitChapterMarkdown } from '../markdown/chapterSegments';

const counts = new Map<string, number>();

/** The number of ```ts cells in a chapter's Markdown body. */
export function chapterCellCount(body: string): number {
  let count = counts.get(body);
  if (count === undefined) {
    count = splitChapterMarkdown(body).filter((segment) => segment.kind === 'cell').length;
    counts.set(body, count);
  }
  return count;
}
