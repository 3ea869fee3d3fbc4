/**
 * The exercise slice: what each exercise shows (a Check under way, its outcome, how many hints
 * are open) and each chapter's exercise progress (solved ids, the learner's own code set aside
 * while a solution is shown), which is written to the browser's storage as it changes.
 *
 * A Check goes through the notebook like a Run (so the cell's output, state and "cells run"
 * progress behave as for any cell), then, once the learner's run ended well, the hidden check
 * runs in the same runtime under a cell id of its own (`exerciseRun.ts` decides the outcome, the
 * same way as the chapter check).
 */
import type { WorkerClient } from '../session/workerClient';
import type { CellResult } from '../engine/protocol';
import type { Exercise, ExerciseOutcome } from '../engine/index';
import { checkCellId, checkCellSource, checkOutcome, learnerOutcome } from '../engine/index';
import type { StorageLike } from '../persistence/chapterStorage';
import { browserStorage } from '../persistence/chapterStorage';
import type { ExerciseProgress } from '../persistence/exerciseProgress';
import { readExerciseProgress, writeExerciseProgress } from '../persistence/exerciseProgress';
import type { SliceCreator } from './storeTypes';

/** What one exercise shows. */
export interface ExerciseView {
  readonly checking: boolean;
  readonly outcome: ExerciseOutcome | null;
  /** Hints opened so far (they open one at a time). */
  readonly hintsShown: number;
  /** The code the outcome is about, so the page can say when the learner changed it since. */
  readonly checkedSource: string | null;
  /** The check ran while the solution was shown: a pass is not the learner's, so not recorded. */
  readonly withSolution: boolean;
}

/** An exercise nobody touched in this visit. */
export const IDLE_EXERCISE: ExerciseView = {
  checking: false,
  outcome: null,
  hintsShown: 0,
  checkedSource: null,
  withSolution: false,
};

export interface ExerciseSlice {
  /** Exercise views by chapter slug, then exercise id. */
  readonly exerciseViews: Readonly<Record<string, Readonly<Record<string, ExerciseView>>>>;
  /** Exercise progress of the chapters read so far, by slug. */
  readonly exerciseProgress: Readonly<Record<string, ExerciseProgress>>;
  /** Reads a chapter's exercise progress from storage (once per visit). */
  loadExerciseProgress(slug: string): ExerciseProgress;
  /**
   * Runs the learner's code of the exercise, then its check; records a pass as solved, unless the
   * code checked is the solution the learner asked to see.
   */
  checkExercise(slug: string, exercise: Exercise): Promise<ExerciseOutcome | null>;
  /** Opens the next hint. */
  showNextHint(slug: string, exercise: Exercise): void;
  /** Puts the solution in the cell, keeping the learner's code to come back to. */
  showSolution(slug: string, exercise: Exercise): void;
  /** Puts the learner's own code back after the solution was shown. */
  backToOwnCode(slug: string, exerciseId: string): void;
  /** Puts the starter code back and clears the outcome. */
  resetExercise(slug: string, exercise: Exercise): void;
  /** Uses another storage for exercise progress (tests). */
  setExerciseStorage(storage: StorageLike | null): void;
}

export const createExerciseSlice: SliceCreator<ExerciseSlice> = (set, get) => {
  let storage: StorageLike | null | undefined;
  const store = (): StorageLike | null =>
    storage === undefined ? (storage = browserStorage()) : storage;

  const viewOf = (slug: string, id: string) => get().exerciseViews[slug]?.[id] ?? IDLE_EXERCISE;
  const setView = (slug: string, id: string, change: Partial<ExerciseView>) => {
    const views = get().exerciseViews;
    set({
      exerciseViews: {
        ...views,
        [slug]: { ...views[slug], [id]: { ...viewOf(slug, id), ...change } },
      },
    });
  };
  const setProgress = (slug: string, change: (p: ExerciseProgress) => ExerciseProgress) => {
    const next = change(get().loadExerciseProgress(slug));
    set({ exerciseProgress: { ...get().exerciseProgress, [slug]: next } });
    const problem = writeExerciseProgress(store(), slug, next);
    if (problem !== null && store() !== null) {
      get().addRuntimeNotice('error', `Your exercise progress could not be saved: ${problem}`);
    }
  };

  return {
    exerciseViews: {},
    exerciseProgress: {},

    loadExerciseProgress(slug) {
      const known = get().exerciseProgress[slug];
      if (known) return known;
      const read = readExerciseProgress(store(), slug);
      set({ exerciseProgress: { ...get().exerciseProgress, [slug]: read } });
      return read;
    },

    async checkExercise(slug, exercise) {
      const client = get().runtimeClient;
      const cell = get().notebooks[slug]?.cells[exercise.id];
      if (!client || get().runtime.slug !== slug || !cell) {
        get().addRuntimeNotice('error', 'The runtime of this chapter is not running.');
        return null;
      }
      if (cell.phase !== 'idle' || viewOf(slug, exercise.id).checking) return null;
      const withSolution = exercise.id in get().loadExerciseProgress(slug).own;
      setView(slug, exercise.id, {
        checking: true,
        outcome: null,
        checkedSource: cell.source,
        withSolution,
      });
      const learnerRun = nextRunEnd(client, exercise.id);
      get().runCells(slug, [exercise.id]);
      const outcome =
        learnerOutcome(await learnerRun) ??
        checkOutcome(await client.run(checkCellId(exercise.id), checkCellSource(exercise.check)));
      setView(slug, exercise.id, { checking: false, outcome });
      if (outcome.kind === 'passed' && !withSolution) {
        setProgress(slug, (p) =>
          p.solved.includes(exercise.id) ? p : { ...p, solved: [...p.solved, exercise.id] },
        );
      }
      return outcome;
    },

    showNextHint(slug, exercise) {
      const shown = viewOf(slug, exercise.id).hintsShown;
      if (shown < exercise.hints.length) setView(slug, exercise.id, { hintsShown: shown + 1 });
    },

    showSolution(slug, exercise) {
      const cell = get().notebooks[slug]?.cells[exercise.id];
      if (!cell || exercise.id in get().loadExerciseProgress(slug).own) return;
      setProgress(slug, (p) => ({ ...p, own: { ...p.own, [exercise.id]: cell.source } }));
      get().editCell(slug, exercise.id, exercise.solution);
      setView(slug, exercise.id, { outcome: null });
    },

    backToOwnCode(slug, exerciseId) {
      const own = get().loadExerciseProgress(slug).own[exerciseId];
      if (own === undefined) return;
      get().editCell(slug, exerciseId, own);
      setProgress(slug, (p) => {
        const { [exerciseId]: _back, ...rest } = p.own;
        return { ...p, own: rest };
      });
      setView(slug, exerciseId, { outcome: null });
    },

    resetExercise(slug, exercise) {
      get().resetCell(slug, exercise.id);
      if (exercise.id in get().loadExerciseProgress(slug).own) {
        setProgress(slug, (p) => {
          const { [exercise.id]: _dropped, ...rest } = p.own;
          return { ...p, own: rest };
        });
      }
      setView(slug, exercise.id, { outcome: null });
    },

    setExerciseStorage(next) {
      storage = next;
      set({ exerciseProgress: {} });
    },
  };
};

/** The result of the next run of `cellId` the client reports (queued after this call). */
function nextRunEnd(client: WorkerClient, cellId: string): Promise<CellResult> {
  return new Promise((resolve) => {
    const stop = client.subscribe((event) => {
      if (event.type === 'cell/done' && event.cellId === cellId) {
        stop();
        resolve(event.result);
      }
    });
  });
}
