import type { MouseEvent } from 'react';
import { memo, useCallback, useMemo } from 'react';
import { CodeEditor } from '../editor/CodeEditor';
import type { CellState } from '../notebook/notebookModel';
import { useCell, useCellActions } from '../notebook/notebookHooks';
import { hrefFor } from '../routing/router';
import { SharedMark } from '../share/SharedMark';
import { CellOutput } from './CellOutput';
import './notebook.css';

interface NotebookCellProps {
  readonly slug: string;
  readonly cellId: string;
  /** 1-based position in the chapter, for labels. */
  readonly number: number;
  /** The next cell's id, where Shift+Enter moves the focus (null for the last cell). */
  readonly nextCellId: string | null;
  /** Cell numbers by id, to name the cell a stale result depends on. */
  readonly numberOf: (cellId: string) => number;
  /** False when the cell's owner offers its own Reset (an exercise). */
  readonly resettable?: boolean;
}

/** The element id of a cell, for deep links (`/chapters/<slug>#cell-<id>`). */
export function cellAnchor(cellId: string): string {
  return `cell-${cellId}`;
}

/**
 * One runnable cell: its editor, Run/Stop, Run above, Reset (when edited), a link to it, what
 * state it is in (queued, running, stale, from an earlier runtime) and its output. It reads its
 * own cell from the store, so output for other cells does not re-render it.
 */
export const NotebookCell = memo(function NotebookCell({
  slug,
  cellId,
  number,
  nextCellId,
  numberOf,
  resettable = true,
}: NotebookCellProps) {
  const cell = useCell(slug, cellId);
  const { editCell, runCells, runAbove, stopCell, resetCell } = useCellActions();

  const onChange = useCallback(
    (source: string) => editCell(slug, cellId, source),
    [editCell, slug, cellId],
  );
  const onRun = useCallback(() => runCells(slug, [cellId]), [runCells, slug, cellId]);
  const onRunAndAdvance = useCallback(() => {
    runCells(slug, [cellId]);
    if (nextCellId !== null) focusCell(nextCellId);
  }, [runCells, slug, cellId, nextCellId]);

  // The editor re-renders only when its own props change, not on every output chunk or phase
  // change of the cell (drawing a cell's code is the costly part of a cell).
  const source = cell?.source;
  const editor = useMemo(
    () =>
      source === undefined ? null : (
        <CodeEditor
          cellId={cellId}
          value={source}
          onChange={onChange}
          onRun={onRun}
          onRunAndAdvance={onRunAndAdvance}
          ariaLabel={`Code of cell ${number}`}
        />
      ),
    [cellId, source, onChange, onRun, onRunAndAdvance, number],
  );

  if (!cell) return null;
  const busy = cell.phase !== 'idle';
  const edited = cell.source !== cell.original;
  const anchor = cellAnchor(cellId);
  return (
    <section
      className="cell"
      id={anchor}
      aria-label={`Cell ${number}`}
      data-phase={cell.phase}
      data-outcome={outcomeOf(cell)}
      data-stale={cell.stale || cell.previousRuntime ? 'true' : undefined}
    >
      <div className="cell__head">
        <a
          className="cell__link"
          href={hrefFor({ name: 'chapter', slug }, `#${anchor}`)}
          aria-label={`Link to cell ${number}`}
          title="Link to this cell"
          onClick={(event) => followCellLink(event, anchor)}
        >
          #{number}
        </a>
        {edited && (
          <span className="cell__badge" title="Your edit is saved in this browser">
            edited
          </span>
        )}
        <SharedMark slug={slug} cellId={cellId} source={cell.source} />
      </div>
      {editor}
      <div className="cell__bar">
        {busy ? (
          <button
            type="button"
            className="cell__button cell__button--stop"
            aria-label={`Stop cell ${number}`}
            onClick={() => stopCell(slug, cellId)}
          >
            Stop
          </button>
        ) : (
          <button
            type="button"
            className="cell__button"
            aria-label={`Run cell ${number}`}
            title="Run (Ctrl+Enter; Shift+Enter runs and moves to the next cell)"
            onClick={onRun}
          >
            Run
          </button>
        )}
        {number > 1 && (
          <button
            type="button"
            className="cell__button cell__button--quiet"
            aria-label={`Run the cells above cell ${number}`}
            title="Run every cell above this one, in order"
            onClick={() => runAbove(slug, cellId)}
          >
            Run above
          </button>
        )}
        {edited && resettable && (
          <button
            type="button"
            className="cell__button cell__button--quiet"
            aria-label={`Reset cell ${number} to the chapter's code`}
            title="Put back the chapter's code for this cell"
            onClick={() => resetCell(slug, cellId)}
          >
            Reset
          </button>
        )}
        <CellStatus cell={cell} numberOf={numberOf} />
      </div>
      {cell.originalChanged && (
        <p className="cell__note cell__note--warn">
          The chapter’s code for this cell changed since you edited it. Your version is kept; Reset
          shows the new one.
        </p>
      )}
      <CellOutput cell={cell} number={number} />
    </section>
  );
});

function CellStatus({ cell, numberOf }: { cell: CellState; numberOf: (cellId: string) => number }) {
  return (
    <span className="cell__state" aria-live="polite">
      {cell.phase === 'queued' && (
        <span className="cell__phase">Queued: waits for earlier runs</span>
      )}
      {cell.phase === 'running' && (
        <span className="cell__phase cell__phase--running">
          <span className="cell__spinner" aria-hidden="true" />
          Running…
        </span>
      )}
      {cell.phase === 'idle' && cell.result && cell.ms !== null && (
        <span className="cell__time">{timeText(cell)}</span>
      )}
      {cell.phase === 'idle' && cell.stale && (
        <span className="cell__stale">
          {cell.stale.kind === 'edited'
            ? 'Edited since it ran: the output is from the previous code.'
            : `Cell ${numberOf(cell.stale.cellId)} changed since this ran: run it again to update.`}
        </span>
      )}
      {cell.phase === 'idle' && !cell.stale && cell.previousRuntime && (
        <span className="cell__stale">
          From an earlier runtime: its processes and bindings are gone.
        </span>
      )}
    </span>
  );
}

function timeText(cell: CellState): string {
  const ms = cell.ms ?? 0;
  const shown = ms < 10 ? ms.toFixed(1) : Math.round(ms).toString();
  switch (cell.result?.status) {
    case 'ok':
      return `Ran in ${shown} ms`;
    case 'error':
    case 'exit':
    case 'compile_error':
      return `Failed after ${shown} ms`;
    default:
      return '';
  }
}

function outcomeOf(cell: CellState): string | undefined {
  const status = cell.result?.status;
  if (status === undefined) return undefined;
  if (status === 'ok') return 'ok';
  if (status === 'cancelled' || status === 'timeout' || status === 'lost') return 'stopped';
  return 'error';
}

/** Moves the keyboard focus into cell `cellId`'s editor (or onto the cell) and shows it. */
export function focusCell(cellId: string): void {
  const section = document.getElementById(cellAnchor(cellId));
  if (!section) return;
  const editor = section.querySelector<HTMLElement>('textarea, [role="textbox"]');
  const target = editor ?? section;
  if (target === section && !section.hasAttribute('tabindex')) section.tabIndex = -1;
  target.focus({ preventScroll: true });
  section.scrollIntoView({ block: 'nearest' });
}

/** A plain click on a cell's link puts the link in the address bar and scrolls to the cell. */
function followCellLink(event: MouseEvent<HTMLAnchorElement>, anchor: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}#${anchor}`);
  document.getElementById(anchor)?.scrollIntoView({ block: 'start' });
}
