/**
 * Small hooks over the app store for the notebook's components. Each reads as little as it can
 * (one cell, the chapter's cell order, two counts), so output arriving for one cell re-renders
 * that cell and nothing else, however many cells the chapter has.
 */
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import type { CellState } from './notebookModel';
import { progressCount } from './notebookModel';

/** One cell of a chapter, or undefined until the chapter's notebook is open. */
export function useCell(slug: string, cellId: string): CellState | undefined {
  return useAppStore(
    useCallback((state: AppState) => state.notebooks[slug]?.cells[cellId], [slug, cellId]),
  );
}

const NO_CELLS: readonly string[] = [];

/** The chapter's cell ids in order (the same array until the chapter itself changes). */
export function useCellOrder(slug: string): readonly string[] {
  return useAppStore(
    useCallback((state: AppState) => state.notebooks[slug]?.order ?? NO_CELLS, [slug]),
  );
}

/** Cells that ran ok at least once, and how many cells the chapter has. */
export function useNotebookProgress(slug: string): { run: number; total: number } {
  return useAppStore(
    useShallow(
      useCallback(
        (state: AppState) => {
          const notebook = state.notebooks[slug];
          return notebook
            ? { run: progressCount(notebook), total: notebook.order.length }
            : { run: 0, total: 0 };
        },
        [slug],
      ),
    ),
  );
}

/** How many cells of the chapter are queued or running. */
export function useBusyCount(slug: string): number {
  return useAppStore(
    useCallback(
      (state: AppState) => {
        const notebook = state.notebooks[slug];
        if (!notebook) return 0;
        let busy = 0;
        for (const id of notebook.order) if (notebook.cells[id]!.phase !== 'idle') busy += 1;
        return busy;
      },
      [slug],
    ),
  );
}

const selectCellActions = (state: AppState) => ({
  editCell: state.editCell,
  runCells: state.runCells,
  runAbove: state.runAbove,
  stopCell: state.stopCell,
  resetCell: state.resetCell,
});

/** The notebook's actions on cells (stable functions). */
export function useCellActions() {
  return useAppStore(useShallow(selectCellActions));
}
