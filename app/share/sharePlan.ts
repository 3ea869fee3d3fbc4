/**
 * What a share link's edits mean for the chapter as the reader has it, and which edits a
 * learner's link carries. Pure: it reads the notebook's state and returns plain data; the share
 * slice applies the plan (through the notebook's own edit operation) and the page shows it.
 *
 * A shared edit is put in only where it fits: the chapter still has the cell, and the cell's code
 * is still the code the edit was made from (same fingerprint). A cell whose code changed since
 * the link was made is named instead, with the shared code to read, never applied to code it was
 * not written against. The reader's own edits are never replaced without asking: a cell the
 * reader edited to something else than the shared code is a conflict.
 */
import type { NotebookState } from '../notebook/notebookModel';
import { fingerprint } from '../persistence/savedChapter';
import type { SharedEdit } from './shareLink';

/** A shared edit that fits a cell of the chapter. */
export interface FittingEdit {
  readonly cellId: string;
  /** The cell's 1-based position in the chapter. */
  readonly number: number;
  readonly source: string;
  /** The reader has an edit of their own in this cell, different from the shared code. */
  readonly conflict: boolean;
}

/** A shared edit that was not put in, with its code for the reader to look at. */
export interface UnfitEdit {
  readonly cellId: string;
  /** The cell's 1-based position, or null when the chapter has no such cell any more. */
  readonly number: number | null;
  readonly source: string;
}

/** A share link's edits, sorted against the chapter. */
export interface SharePlan {
  /** Edits for cells whose chapter code is the one they were made from, in chapter order. */
  readonly fitting: readonly FittingEdit[];
  /** Edits for cells whose chapter code changed since the link was made. */
  readonly changed: readonly UnfitEdit[];
  /** Edits for cells the chapter does not have (any more). */
  readonly missing: readonly UnfitEdit[];
}

/** Sorts shared edits into those that fit the notebook's cells, changed cells and missing ones. */
export function planSharedEdits(notebook: NotebookState, edits: readonly SharedEdit[]): SharePlan {
  const fitting: FittingEdit[] = [];
  const changed: UnfitEdit[] = [];
  const missing: UnfitEdit[] = [];
  for (const edit of edits) {
    const cell = notebook.cells[edit.cellId];
    if (!cell) {
      missing.push({ cellId: edit.cellId, number: null, source: edit.source });
      continue;
    }
    const number = notebook.order.indexOf(edit.cellId) + 1;
    if (fingerprint(cell.original) !== edit.base) {
      changed.push({ cellId: edit.cellId, number, source: edit.source });
      continue;
    }
    const ownEdit = cell.source !== cell.original;
    fitting.push({
      cellId: edit.cellId,
      number,
      source: edit.source,
      conflict: ownEdit && cell.source !== edit.source,
    });
  }
  const byNumber = (a: { number: number | null }, b: { number: number | null }) =>
    (a.number ?? 0) - (b.number ?? 0);
  return { fitting: fitting.sort(byNumber), changed: changed.sort(byNumber), missing };
}

/** True when putting the plan in would replace some of the reader's own edits. */
export function hasConflicts(plan: SharePlan): boolean {
  return plan.fitting.some((edit) => edit.conflict);
}

/**
 * The edits a learner's link carries: every cell whose code differs from the chapter's, in
 * chapter order. For an exercise that shows its solution, the learner's own attempt (set aside
 * in `ownCode` while the solution is shown) is what goes, never the solution.
 */
export function editsToShare(
  notebook: NotebookState,
  ownCode: Readonly<Record<string, string>> = {},
): SharedEdit[] {
  const edits: SharedEdit[] = [];
  for (const cellId of notebook.order) {
    const cell = notebook.cells[cellId]!;
    const source = ownCode[cellId] ?? cell.source;
    if (source !== cell.original) {
      edits.push({ cellId, base: fingerprint(cell.original), source });
    }
  }
  return edits;
}

/** "cell 2", "cells 2 and 5", "cells 2, 5 and 7": positions as a reader says them. */
export function cellList(numbers: readonly number[]): string {
  return cellListParts(numbers, String).join('');
}

/** `cellList` in parts, each position drawn by `show` (the banner makes them links). */
export function cellListParts<T, R>(items: readonly T[], show: (item: T) => R): Array<R | string> {
  const parts: Array<R | string> = [items.length === 1 ? 'cell ' : 'cells '];
  items.forEach((item, index) => {
    if (index > 0) parts.push(index === items.length - 1 ? ' and ' : ', ');
    parts.push(show(item));
  });
  return parts;
}
