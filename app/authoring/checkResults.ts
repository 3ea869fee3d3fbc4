/**
 * The chapter check's report, laid out for the page: which cell each failure belongs to (by the
 * page's cell ids), which cells passed, and a one-line summary. Pure, so it is unit-tested.
 */
import type { ChapterCheckReport, ChapterFailure } from '../engine/protocol';
import { readChapter } from '../engine/index';
import { runnableBlocks } from './chapterExport';

/** One cell's result: passed, or the expectations it missed. */
export interface CellCheckResult {
  readonly kind: 'cell' | 'exercise';
  readonly failures: readonly ChapterFailure[];
}

/** The report of a chapter check, by cell. */
export interface CheckResults {
  /** Every cell and exercise of the checked text, by page id, in chapter order. */
  readonly cells: ReadonlyMap<string, CellCheckResult>;
  /** Failures that belong to no cell of the text (none are expected; kept, never dropped). */
  readonly unplaced: readonly ChapterFailure[];
  readonly summary: string;
  readonly passed: boolean;
}

/** Places the failures of a check of `text` on its cells (a failure names its cell's line). */
export function checkResultsByCell(
  text: string,
  report: Extract<ChapterCheckReport, { kind: 'checked' }>,
): CheckResults {
  const blocks = runnableBlocks(readChapter(text).blocks);
  const byLine = new Map(blocks.map((block) => [block.line, block]));
  const failures = new Map<string, ChapterFailure[]>();
  const unplaced: ChapterFailure[] = [];
  for (const failure of report.failures) {
    const block = byLine.get(failure.cellLine);
    if (!block) unplaced.push(failure);
    else failures.set(block.id, [...(failures.get(block.id) ?? []), failure]);
  }
  const cells = new Map(
    blocks.map((block) => [block.id, { kind: block.kind, failures: failures.get(block.id) ?? [] }]),
  );
  const failing = [...cells.values()].filter((cell) => cell.failures.length > 0).length;
  const exercises = blocks.filter((block) => block.kind === 'exercise').length;
  const checked =
    `${count(blocks.length - exercises, 'cell')}` +
    (exercises > 0 ? ` and ${count(exercises, 'exercise')}` : '');
  const summary =
    failing === 0 && unplaced.length === 0
      ? `All ${checked} pass the chapter check.`
      : `${failing} of ${checked} ${failing === 1 ? 'fails' : 'fail'} the chapter check; ` +
        `${blocks.length - failing} pass.`;
  return { cells, unplaced, summary, passed: failing === 0 && unplaced.length === 0 };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
