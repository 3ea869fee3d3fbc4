/**
 * How many runnable cells and exercises a chapter has, for progress in the table of contents.
 * Splitting a chapter costs a Markdown lex, so the counts are remembered per chapter text.
 */
import { splitChapterMarkdown } from '../markdown/chapterSegments';

const counts = new Map<string, { cells: number; exercises: number }>();

function countsOf(body: string): { cells: number; exercises: number } {
  let count = counts.get(body);
  if (count === undefined) {
    const segments = splitChapterMarkdown(body);
    count = {
      // An exercise is a cell too: the learner runs it like any other.
      cells: segments.filter((s) => s.kind === 'cell' || s.kind === 'exercise').length,
      exercises: segments.filter((s) => s.kind === 'exercise').length,
    };
    counts.set(body, count);
  }
  return count;
}

/** The number of ```ts cells (exercises included) in a chapter's Markdown body. */
export function chapterCellCount(body: string): number {
  return countsOf(body).cells;
}

/** The number of exercises in a chapter's Markdown body. */
export function chapterExerciseCount(body: string): number {
  return countsOf(body).exercises;
}
