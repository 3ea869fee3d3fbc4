import type { CellView } from '../notebook/notebookView';
import { CellOutput } from './CellOutput';

interface NotebookCellProps {
  readonly cell: CellView;
  /** 1-based position in the chapter, for labels. */
  readonly number: number;
  readonly onRun: (cellId: string, source: string) => void;
  readonly onStop: (cellId: string) => void;
  readonly onEdit: (cellId: string, source: string) => void;
}

/** One runnable cell: its code (a plain textarea until the editor lands), Run/Stop, its output. */
export function NotebookCell({ cell, number, onRun, onStop, onEdit }: NotebookCellProps) {
  const busy = cell.phase !== 'idle';
  const rows = Math.max(1, cell.source.split('\n').length);
  return (
    <section className="cell" id={cell.id} aria-label={`Cell ${number}`} data-phase={cell.phase}>
      <textarea
        className="cell__source"
        aria-label={`Code of cell ${number}`}
        value={cell.source}
        rows={rows}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        onChange={(event) => onEdit(cell.id, event.target.value)}
      />
      <div className="cell__bar">
        {busy ? (
          <button
            type="button"
            className="cell__button cell__button--stop"
            aria-label={`Stop cell ${number}`}
            onClick={() => onStop(cell.id)}
          >
            Stop
          </button>
        ) : (
          <button
            type="button"
            className="cell__button"
            aria-label={`Run cell ${number}`}
            onClick={() => onRun(cell.id, cell.source)}
          >
            Run
          </button>
        )}
        <span className="cell__state" aria-live="polite">
          {stateText(cell)}
        </span>
      </div>
      <CellOutput cell={cell} number={number} />
    </section>
  );
}

function stateText(cell: CellView): string {
  if (cell.phase === 'queued') return 'Waiting for the cell before it…';
  if (cell.phase === 'running') return 'Running…';
  if (cell.ms !== null && cell.result?.status === 'ok') return `Ran in ${Math.round(cell.ms)} ms`;
  return '';
}
