/**
 * What the chapter page shows of its cells, moved only by `applyClientEvent` and `editCell`:
 * pure functions of (view, event) -> view, so the page's behaviour is tested in Node and the
 * component just renders.
 *
 * A run clears the cell's output and result when it is queued; output that arrives later (from
 * processes the cell spawned) keeps appending under the same cell, also after the run ended.
 */
import type { CellResult, OutputStream } from '../engine/protocol';
import type { CellPhase, ClientEvent, RuntimeStatus } from '../engine/workerClient';

/** A run of consecutive output in one stream. */
export interface OutputRun {
  readonly stream: OutputStream;
  readonly text: string;
}

export interface CellView {
  readonly id: string;
  readonly source: string;
  readonly phase: CellPhase;
  readonly outputs: readonly OutputRun[];
  readonly result: CellResult | null;
  /** How long the last run took in the worker, in ms. */
  readonly ms: number | null;
}

export interface Notice {
  readonly id: number;
  readonly tone: 'info' | 'error';
  readonly text: string;
}

export interface NotebookView {
  readonly cells: Readonly<Record<string, CellView>>;
  readonly status: RuntimeStatus;
  readonly notices: readonly Notice[];
  readonly nextNoticeId: number;
}

/** Notices kept on screen; older ones drop off. */
const MAX_NOTICES = 3;
/** Characters of output one cell keeps on the page; the start is dropped beyond that. */
const MAX_OUTPUT = 200_000;

export function initialNotebookView(
  cells: ReadonlyArray<{ id: string; source: string }>,
): NotebookView {
  const views: Record<string, CellView> = {};
  for (const { id, source } of cells) {
    views[id] = { id, source, phase: 'idle', outputs: [], result: null, ms: null };
  }
  return { cells: views, status: 'starting', notices: [], nextNoticeId: 1 };
}

/** The cell's text after an edit. */
export function editCell(view: NotebookView, cellId: string, source: string): NotebookView {
  return updateCell(view, cellId, (cell) => ({ ...cell, source }));
}

/** Drops the notice with `id`. */
export function dismissNotice(view: NotebookView, id: number): NotebookView {
  return { ...view, notices: view.notices.filter((notice) => notice.id !== id) };
}

/** The view after one event from the worker client. */
export function applyClientEvent(view: NotebookView, event: ClientEvent): NotebookView {
  switch (event.type) {
    case 'run/queued':
      return updateCell(view, event.cellId, (cell) => ({
        ...cell,
        phase: 'queued',
        outputs: [],
        result: null,
        ms: null,
      }));
    case 'run/started':
      return updateCell(view, event.cellId, (cell) => ({ ...cell, phase: 'running' }));
    case 'run/done':
      return updateCell(view, event.cellId, (cell) => ({
        ...cell,
        phase: 'idle',
        result: event.result,
        ms: event.ms,
      }));
    case 'output': {
      let next = view;
      for (const chunk of event.chunks) {
        next = updateCell(next, chunk.cellId, (cell) => ({
          ...cell,
          outputs: appendOutput(cell.outputs, chunk.stream, chunk.text),
        }));
      }
      return next;
    }
    case 'status':
      return { ...view, status: event.status };
    case 'compiler':
    case 'rich':
      return view;
    case 'notice': {
      const notice: Notice = { id: view.nextNoticeId, tone: event.tone, text: event.text };
      return {
        ...view,
        notices: [...view.notices, notice].slice(-MAX_NOTICES),
        nextNoticeId: view.nextNoticeId + 1,
      };
    }
  }
}

function updateCell(
  view: NotebookView,
  cellId: string,
  change: (cell: CellView) => CellView,
): NotebookView {
  const cell = view.cells[cellId];
  if (!cell) return view;
  return { ...view, cells: { ...view.cells, [cellId]: change(cell) } };
}

function appendOutput(
  outputs: readonly OutputRun[],
  stream: OutputStream,
  text: string,
): readonly OutputRun[] {
  const last = outputs.at(-1);
  const merged =
    last && last.stream === stream
      ? [...outputs.slice(0, -1), { stream, text: last.text + text }]
      : [...outputs, { stream, text }];
  let total = merged.reduce((sum, run) => sum + run.text.length, 0);
  while (total > MAX_OUTPUT && merged.length > 0) {
    const first = merged[0]!;
    const excess = total - MAX_OUTPUT;
    if (first.text.length <= excess) {
      merged.shift();
      total -= first.text.length;
    } else {
      merged[0] = { stream: first.stream, text: first.text.slice(excess) };
      total -= excess;
    }
  }
  return merged;
}
