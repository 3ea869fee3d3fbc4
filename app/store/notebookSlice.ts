/**
 * The notebook slice: every opened chapter's cells (notebook/notebookModel.ts), kept by slug for
 * the whole visit so that leaving a chapter and coming back finds the edits and outputs, and the
 * save status of each chapter.
 *
 * Every change goes through `notebookOp(slug, op)`: the pure `applyNotebookOp` gives the next
 * state and a list of effects, which are performed here, in order, after the state is set
 * (runs and cancels go to the runtime slice, a restart to the runtime, saves to the autosaver).
 * An op that arrives while effects are being performed (the runtime reporting back at once) is
 * queued and applied after them, never in the middle: ops apply one at a time, in order.
 * Components read single cells (`selectCell`) so output arriving for one cell re-renders that
 * cell only.
 */
import type { NotebookOp, NotebookState } from '../notebook/notebookModel';
import {
  applyNotebookOp,
  idsAbove,
  openNotebook as openNotebookState,
  reopenNotebook,
  savedChapterOf,
} from '../notebook/notebookModel';
import type { AutosaverOptions, SaveStatus, StorageLike } from '../persistence/chapterStorage';
import {
  ChapterAutosaver,
  browserStorage,
  flushWhenHidden,
  loadChapter,
} from '../persistence/chapterStorage';
import type { SliceCreator } from './storeTypes';

/** Where chapters are kept, and the saver writing to it. */
interface Persistence {
  readonly storage: StorageLike | null;
  readonly saver: ChapterAutosaver;
  readonly stopFlushing: () => void;
}

export interface NotebookSlice {
  readonly notebookReady: boolean;
  /** Opened chapters' notebooks, by slug. */
  readonly notebooks: Readonly<Record<string, NotebookState>>;
  /** Each chapter's save status (absent: nothing to report). */
  readonly saveStatus: Readonly<Record<string, SaveStatus>>;
  /** A problem found reading a chapter's saved data, shown until dismissed. */
  readonly storageProblems: Readonly<Record<string, string>>;
  /**
   * Opens a chapter's notebook from its cells and what was saved; a chapter opened before keeps
   * its in-memory state (edits, outputs).
   */
  openNotebook(
    slug: string,
    cells: ReadonlyArray<{ readonly id: string; readonly source: string }>,
  ): void;
  /** Applies an operation to a chapter's notebook and performs its effects. */
  notebookOp(slug: string, op: NotebookOp): void;
  editCell(slug: string, cellId: string, source: string): void;
  runCells(slug: string, cellIds: readonly string[]): void;
  runAll(slug: string): void;
  runAbove(slug: string, cellId: string): void;
  stopCell(slug: string, cellId: string): void;
  resetCell(slug: string, cellId: string): void;
  resetChapter(slug: string): void;
  /** True when some cell of the chapter shows a result or output. */
  notebookHasResults(slug: string): boolean;
  dismissStorageProblem(slug: string): void;
  /** Writes pending saves now (leaving a chapter, hiding the page). */
  flushSaves(): void;
  /** Uses another storage (tests); the current saver's pending writes go to the old one first. */
  setPersistence(
    storage: StorageLike | null,
    options?: Pick<AutosaverOptions, 'delayMs' | 'retryMs' | 'timers'>,
  ): void;
}

export const createNotebookSlice: SliceCreator<NotebookSlice> = (set, get) => {
  let persistence: Persistence | null = null;
  /** Ops waiting while an earlier op's effects run; see the module comment. */
  const waitingOps: Array<readonly [string, NotebookOp]> = [];
  let applyingOp = false;

  const onStatus = (slug: string, status: SaveStatus) =>
    set({ saveStatus: { ...get().saveStatus, [slug]: status } });

  const makePersistence = (
    storage: StorageLike | null,
    options: Pick<AutosaverOptions, 'delayMs' | 'retryMs' | 'timers'> = {},
  ): Persistence => {
    const saver = new ChapterAutosaver({ storage, onStatus, ...options });
    return { storage, saver, stopFlushing: flushWhenHidden(saver) };
  };

  /** Made on first use, so creating a store touches no storage. */
  const current = (): Persistence => (persistence ??= makePersistence(browserStorage()));

  const setNotebook = (slug: string, state: NotebookState) =>
    set({ notebooks: { ...get().notebooks, [slug]: state } });

  /** Applies one op and performs its effects. */
  const applyOp = (slug: string, op: NotebookOp) => {
    const before = get().notebooks[slug];
    if (!before) return;
    const { state, effects } = applyNotebookOp(before, op);
    if (state !== before) setNotebook(slug, state);
    for (const effect of effects) {
      switch (effect.type) {
        case 'run':
          if (!get().runInRuntime(slug, effect.cellId, effect.source)) {
            get().notebookOp(slug, { type: 'runRefused', cellId: effect.cellId });
          }
          break;
        case 'cancel':
          get().cancelInRuntime(slug, effect.cellId);
          break;
        case 'restart':
          get().restartRuntime();
          break;
        case 'save': {
          // Read back the latest state: effects performed before this one may have moved it.
          const latest = get().notebooks[slug];
          if (latest) current().saver.schedule(slug, savedChapterOf(latest));
          break;
        }
      }
    }
  };

  return {
    notebookReady: true,
    notebooks: {},
    saveStatus: {},
    storageProblems: {},

    openNotebook(slug, cells) {
      const existing = get().notebooks[slug];
      if (existing) {
        const same =
          existing.order.length === cells.length &&
          cells.every((cell, i) => existing.cells[existing.order[i]!]?.original === cell.source);
        if (!same) setNotebook(slug, reopenNotebook(existing, cells));
        return;
      }
      const { storage, saver } = current();
      const loaded = loadChapter(storage, slug);
      if (loaded.blocked && loaded.problem) saver.block(slug, loaded.problem);
      setNotebook(slug, openNotebookState(slug, cells, loaded.saved));
      if (loaded.problem && !loaded.blocked) {
        set({ storageProblems: { ...get().storageProblems, [slug]: loaded.problem } });
      }
    },

    notebookOp(slug, op) {
      waitingOps.push([slug, op]);
      if (applyingOp) return;
      applyingOp = true;
      try {
        for (let next = waitingOps.shift(); next; next = waitingOps.shift()) applyOp(...next);
      } finally {
        applyingOp = false;
        waitingOps.length = 0;
      }
    },

    editCell(slug, cellId, source) {
      get().notebookOp(slug, { type: 'edit', cellId, source });
    },
    runCells(slug, cellIds) {
      get().notebookOp(slug, { type: 'run', cellIds });
    },
    runAll(slug) {
      const notebook = get().notebooks[slug];
      if (notebook) get().runCells(slug, notebook.order);
    },
    runAbove(slug, cellId) {
      const notebook = get().notebooks[slug];
      if (notebook) get().runCells(slug, idsAbove(notebook, cellId));
    },
    stopCell(slug, cellId) {
      get().notebookOp(slug, { type: 'stop', cellId });
    },
    resetCell(slug, cellId) {
      get().notebookOp(slug, { type: 'reset', cellId });
    },
    resetChapter(slug) {
      get().notebookOp(slug, { type: 'resetAll' });
    },

    notebookHasResults(slug) {
      const notebook = get().notebooks[slug];
      if (!notebook) return false;
      return notebook.order.some((id) => {
        const cell = notebook.cells[id]!;
        return cell.result !== null || cell.outputs.length > 0;
      });
    },

    dismissStorageProblem(slug) {
      const { [slug]: _dismissed, ...rest } = get().storageProblems;
      set({ storageProblems: rest });
    },

    flushSaves() {
      persistence?.saver.flush();
    },

    setPersistence(storage, options) {
      if (persistence) {
        persistence.saver.dispose();
        persistence.stopFlushing();
      }
      persistence = makePersistence(storage, options);
    },
  };
};
