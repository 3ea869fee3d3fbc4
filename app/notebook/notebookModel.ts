/**
 * One chapter's notebook as data, moved only by `applyNotebookOp(state, op) -> {state, effects}`
 * (STYLE.md §4): the store applies an operation, then performs the effects it returns (queue a
 * run in the worker, cancel one, restart the runtime, save to storage). Nothing here touches
 * React, the DOM, the worker or storage, so every rule below is tested in Node.
 *
 * The rules:
 * - A run takes the cell's current source; while it is queued or running, the cell cannot be
 *   run again (Stop instead). Run all queues every idle cell in chapter order.
 * - A cell's phase (idle, queued, running) lives here and nowhere else: a run op queues the cell
 *   (and asks for the run), the worker's `cell/started` and `cell/done` move it on. These are
 *   the protocol's own messages (CellMessage), applied as they arrive.
 * - Queuing a run clears the cell's output and result; output that arrives later (from
 *   processes the cell spawned) keeps appending, also after the run ended.
 * - Staleness: a cell whose source differs from what it last ran is stale ('edited'). When a
 *   cell's new bindings land (a run ends ok) or it is edited after a run, the later cells that
 *   ran before and mention its names (`staleAfter`) are stale ('upstream'), until they run again.
 * - A restarted or replaced runtime loses every binding: results shown so far are marked as
 *   from a previous runtime, until the cell runs again.
 * - Progress is the ids of cells that ever ran ok; it is saved with the edits and survives a
 *   reset of the code.
 * - Edits saved for cells the chapter no longer has are carried along (never dropped).
 */
import type { CellMessage, CellResult } from '../engine/protocol';
import { staleAfter } from './staleness';
import type { SavedChapter, SavedEdit } from '../persistence/savedChapter';
import { SAVED_CHAPTER_VERSION, fingerprint } from '../persistence/savedChapter';
import { cellNames } from './cellNames';
import type { CellView } from './cellOutputs';
import { appendOutputItem } from './cellOutputs';

/** Why a cell's shown result may no longer match its code or the bindings it used. */
export type StaleReason =
  /** The cell's code changed since it ran. */
  | { readonly kind: 'edited' }
  /** Cell `cellId`, earlier in the chapter, changed names this cell uses since it ran. */
  | { readonly kind: 'upstream'; readonly cellId: string };

/** Everything the page knows about one cell. */
export interface CellState extends CellView {
  /** The chapter's code for the cell. */
  readonly original: string;
  /** The code as the learner has it now. */
  readonly source: string;
  /** The code of the latest run, or null before the first. */
  readonly ranSource: string | null;
  readonly stale: StaleReason | null;
  /** The shown result came from a runtime that has since been restarted or replaced. */
  readonly previousRuntime: boolean;
  /** The learner's edit was made against an earlier version of the chapter's code. */
  readonly originalChanged: boolean;
}

/** One chapter's notebook. */
export interface NotebookState {
  readonly slug: string;
  /** Cell ids in chapter order. */
  readonly order: readonly string[];
  readonly cells: Readonly<Record<string, CellState>>;
  /** Ids of cells that ever ran ok, in the order they first did (progress). */
  readonly ran: readonly string[];
  /** Saved edits of cells this version of the chapter does not have, kept as they were. */
  readonly orphans: Readonly<Record<string, SavedEdit>>;
}

/** What can happen to a notebook. */
export type NotebookOp =
  | { readonly type: 'edit'; readonly cellId: string; readonly source: string }
  /** Run these cells, in this order (busy ones are skipped). */
  | { readonly type: 'run'; readonly cellIds: readonly string[] }
  | { readonly type: 'stop'; readonly cellId: string }
  /** Put the chapter's code back in one cell. */
  | { readonly type: 'reset'; readonly cellId: string }
  /** Put the chapter's code back in every cell, clear outputs, start a fresh runtime. */
  | { readonly type: 'resetAll' }
  /**
   * A new runtime took over (the page came back to the chapter, a restart, a replaced worker):
   * results shown are from the old one.
   */
  | { readonly type: 'runtimeReplaced' }
  /** The run the notebook asked for could not be queued (no runtime): the cell is idle again. */
  | { readonly type: 'runRefused'; readonly cellId: string }
  /** What the worker said about a run: started, output, a rich output, done. */
  | CellMessage;

/** What the caller must do after an operation. */
export type NotebookEffect =
  | { readonly type: 'run'; readonly cellId: string; readonly source: string }
  | { readonly type: 'cancel'; readonly cellId: string }
  | { readonly type: 'restart' }
  /** The saved form changed: write it (debounced). */
  | { readonly type: 'save' };

export interface Applied {
  readonly state: NotebookState;
  readonly effects: readonly NotebookEffect[];
}

/** What a cell shows before its first run, and again once a new run is queued or it is reset. */
const NOTHING_SHOWN = {
  outputs: [],
  result: null,
  ms: null,
  stale: null,
  previousRuntime: false,
} as const satisfies Partial<CellState>;

/** A chapter's notebook from its cells and what was saved of it (null: nothing). */
export function openNotebook(
  slug: string,
  cells: ReadonlyArray<{ readonly id: string; readonly source: string }>,
  saved: SavedChapter | null,
): NotebookState {
  const edits = saved?.edits ?? {};
  const states: Record<string, CellState> = {};
  for (const { id, source: original } of cells) {
    const edit = edits[id];
    const edited = edit !== undefined && edit.source !== original;
    states[id] = {
      id,
      original,
      source: edited ? edit.source : original,
      phase: 'idle',
      ...NOTHING_SHOWN,
      ranSource: null,
      originalChanged: edited && edit.base !== fingerprint(original),
    };
  }
  const orphans: Record<string, SavedEdit> = {};
  for (const [id, edit] of Object.entries(edits)) if (!(id in states)) orphans[id] = edit;
  return {
    slug,
    order: cells.map((cell) => cell.id),
    cells: states,
    ran: saved?.ran ?? [],
    orphans,
  };
}

/**
 * The notebook for a new version of the chapter's cells, keeping the learner's edits, outputs
 * and progress for the cells that are still there (used when the same chapter opens again).
 */
export function reopenNotebook(
  previous: NotebookState,
  cells: ReadonlyArray<{ readonly id: string; readonly source: string }>,
): NotebookState {
  const fresh = openNotebook(previous.slug, cells, savedChapterOf(previous));
  const states: Record<string, CellState> = {};
  for (const id of fresh.order) {
    const old = previous.cells[id];
    const cell = fresh.cells[id]!;
    states[id] =
      old && old.original === cell.original
        ? old
        : old
          ? { ...cell, outputs: old.outputs, result: old.result, ms: old.ms }
          : cell;
  }
  return { ...fresh, cells: states };
}

/** What to store for the notebook: edited sources, progress and orphaned edits. */
export function savedChapterOf(state: NotebookState): SavedChapter {
  const edits: Record<string, SavedEdit> = { ...state.orphans };
  for (const id of state.order) {
    const cell = state.cells[id]!;
    if (cell.source !== cell.original) {
      edits[id] = {
        source: cell.source,
        // An edit made against an earlier original keeps that original's fingerprint, so it
        // stays marked until the learner resets the cell.
        base: cell.originalChanged ? 'earlier' : fingerprint(cell.original),
      };
    }
  }
  return { version: SAVED_CHAPTER_VERSION, edits, ran: state.ran };
}

/** Cells of the chapter in order. */
export function cellsInOrder(state: NotebookState): CellState[] {
  return state.order.map((id) => state.cells[id]!);
}

/** Ids of every cell before `cellId`, in order. */
export function idsAbove(state: NotebookState, cellId: string): string[] {
  const at = state.order.indexOf(cellId);
  return at < 0 ? [] : state.order.slice(0, at);
}

/** How many of the chapter's cells ever ran ok. */
export function progressCount(state: NotebookState): number {
  return state.ran.filter((id) => id in state.cells).length;
}

/** Applies one operation; see the module comment for the rules. */
export function applyNotebookOp(state: NotebookState, op: NotebookOp): Applied {
  switch (op.type) {
    case 'edit':
      return edit(state, op.cellId, op.source);
    case 'run':
      return run(state, op.cellIds);
    case 'stop': {
      const cell = state.cells[op.cellId];
      if (!cell || cell.phase === 'idle') return unchanged(state);
      return { state, effects: [{ type: 'cancel', cellId: op.cellId }] };
    }
    case 'reset': {
      const cell = state.cells[op.cellId];
      if (!cell || (cell.source === cell.original && !cell.originalChanged)) {
        return unchanged(state);
      }
      const next = edit(state, op.cellId, cell.original).state;
      return {
        state: updateCell(next, op.cellId, (c) => ({ ...c, originalChanged: false })),
        effects: [{ type: 'save' }],
      };
    }
    case 'resetAll': {
      const cells: Record<string, CellState> = {};
      for (const id of state.order) {
        const cell = state.cells[id]!;
        cells[id] = {
          ...cell,
          source: cell.original,
          ...NOTHING_SHOWN,
          ranSource: null,
          originalChanged: false,
        };
      }
      return {
        state: { ...state, cells },
        effects: [{ type: 'restart' }, { type: 'save' }],
      };
    }
    case 'runtimeReplaced':
      return { state: markPreviousRuntime(state), effects: [] };
    case 'runRefused':
      return { state: movePhase(state, op.cellId, 'queued', 'idle'), effects: [] };
    case 'cell/started':
    case 'cell/output':
    case 'cell/rich':
    case 'cell/done':
      return applyCellMessage(state, op);
  }
}

function unchanged(state: NotebookState): Applied {
  return { state, effects: [] };
}

function edit(state: NotebookState, cellId: string, source: string): Applied {
  const cell = state.cells[cellId];
  if (!cell || cell.source === source) return unchanged(state);
  const wasEdited = cell.stale?.kind === 'edited';
  const nowEdited = cell.ranSource !== null && source !== cell.ranSource;
  let stale = cell.stale;
  if (nowEdited) stale = { kind: 'edited' };
  else if (wasEdited) stale = null;
  let next = updateCell(state, cellId, (c) => ({ ...c, source, stale }));
  // The first edit after a run puts in doubt what the later cells computed from this one.
  if (nowEdited && !wasEdited) next = markDependents(next, cellId);
  return { state: next, effects: [{ type: 'save' }] };
}

function run(state: NotebookState, cellIds: readonly string[]): Applied {
  let next = state;
  const effects: NotebookEffect[] = [];
  for (const cellId of cellIds) {
    const cell = next.cells[cellId];
    if (!cell || cell.phase !== 'idle') continue;
    next = updateCell(next, cellId, (c) => ({
      ...c,
      ...NOTHING_SHOWN,
      phase: 'queued',
      ranSource: c.source,
    }));
    effects.push({ type: 'run', cellId, source: cell.source });
  }
  return { state: next, effects };
}

function applyCellMessage(state: NotebookState, message: CellMessage): Applied {
  switch (message.type) {
    case 'cell/started':
      return { state: movePhase(state, message.cellId, 'queued', 'running'), effects: [] };
    case 'cell/done':
      return runDone(state, message.cellId, message.result, message.ms);
    case 'cell/output': {
      let next = state;
      for (const chunk of message.chunks) {
        next = updateCell(next, chunk.cellId, (cell) => ({
          ...cell,
          outputs: appendOutputItem(cell.outputs, {
            kind: 'text',
            stream: chunk.stream,
            text: chunk.text,
          }),
        }));
      }
      return { state: next, effects: [] };
    }
    case 'cell/rich':
      return {
        state: updateCell(state, message.cellId, (cell) => ({
          ...cell,
          outputs: appendOutputItem(cell.outputs, { kind: 'rich', output: message.output }),
        })),
        effects: [],
      };
  }
}

function runDone(state: NotebookState, cellId: string, result: CellResult, ms: number): Applied {
  const cell = state.cells[cellId];
  if (!cell) return unchanged(state);
  let next = updateCell(state, cellId, (c) => ({ ...c, phase: 'idle', result, ms }));
  if (result.status !== 'ok') return { state: next, effects: [] };
  next = markDependents(next, cellId);
  if (next.ran.includes(cellId)) return { state: next, effects: [] };
  return { state: { ...next, ran: [...next.ran, cellId] }, effects: [{ type: 'save' }] };
}

/** Marks the idle cells after `cellId` that ran before and use its names as stale. */
function markDependents(state: NotebookState, cellId: string): NotebookState {
  const names = cellsInOrder(state).map((cell) => namesOf(cell));
  let next = state;
  for (const id of staleAfter(names, cellId)) {
    next = updateCell(next, id, (cell) =>
      cell.phase === 'idle' && cell.ranSource !== null && cell.stale === null
        ? { ...cell, stale: { kind: 'upstream', cellId } }
        : cell,
    );
  }
  return next;
}

/** Names from the code a cell last ran (what its shown result rests on), else its current code. */
function namesOf(cell: CellState) {
  return cachedNames(cell.id, cell.ranSource ?? cell.source);
}

const namesCache = new Map<string, ReturnType<typeof cellNames>>();
/** Cell names, remembered by id and source: a pure function, so caching is only a speed-up. */
function cachedNames(id: string, source: string) {
  const key = `${id}\u0000${source}`;
  let names = namesCache.get(key);
  if (!names) {
    if (namesCache.size > 500) namesCache.clear();
    names = cellNames(id, source);
    namesCache.set(key, names);
  }
  return names;
}

function markPreviousRuntime(state: NotebookState): NotebookState {
  let next = state;
  for (const id of state.order) {
    next = updateCell(next, id, (cell) =>
      (cell.result !== null || cell.outputs.length > 0) && !cell.previousRuntime
        ? { ...cell, previousRuntime: true }
        : cell,
    );
  }
  return next;
}

/** Moves a cell from phase `from` to `to`; a cell in another phase is left as it is. */
function movePhase(
  state: NotebookState,
  cellId: string,
  from: CellState['phase'],
  to: CellState['phase'],
): NotebookState {
  return updateCell(state, cellId, (cell) => (cell.phase === from ? { ...cell, phase: to } : cell));
}

function updateCell(
  state: NotebookState,
  cellId: string,
  change: (cell: CellState) => CellState,
): NotebookState {
  const cell = state.cells[cellId];
  if (!cell) return state;
  const changed = change(cell);
  if (changed === cell) return state;
  return { ...state, cells: { ...state.cells, [cellId]: changed } };
}
