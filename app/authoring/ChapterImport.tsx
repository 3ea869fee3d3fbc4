import { useEffect, useState } from 'react';
import { ShellDialog } from '../components/ShellDialogs';
import {
  dismissImport,
  importChapterFile,
  looksLikeChapterFile,
  resolveImport,
  useImportState,
} from './importFlow';
import './authoring.css';

/**
 * What importing needs on every page: dropping a chapter file anywhere on the page imports it
 * (an overlay says so while a file is dragged over), and one dialog asks what to do when the
 * file collides with a local chapter, or says why an import failed.
 */
export function ChapterImport() {
  const dragging = useFileDrop();
  return (
    <>
      {dragging && (
        <div className="chapter-drop" aria-hidden="true">
          <p className="chapter-drop__label">Drop a chapter file (.md) to open it here</p>
        </div>
      )}
      <ImportDialog />
    </>
  );
}

/** Listens for files dragged onto the window; true while one is over it. */
function useFileDrop(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    // dragenter/dragleave fire for every element crossed; counting them tells when the drag
    // has really left the window.
    let depth = 0;
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onEnter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // without it the browser would open the file instead
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = [...(event.dataTransfer?.files ?? [])];
      const file = files.find((f) => looksLikeChapterFile(f.name)) ?? files[0];
      if (file) void importChapterFile(file);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return dragging;
}

function ImportDialog() {
  const state = useImportState();
  if (state.kind === 'conflict') {
    const { entry, conflict } = state.plan;
    return (
      <ShellDialog
        open
        onClose={() => resolveImport('cancel')}
        title="You already have this chapter"
        className="import-dialog"
      >
        <p>
          <strong>{entry.fileName}</strong> is “{entry.title}”, like your chapter “{conflict!.title}
          ” ({conflict!.fileName}, imported {new Date(conflict!.importedAt).toLocaleString()}).
        </p>
        <p className="import-dialog__actions">
          <button
            type="button"
            className="cell__button cell__button--danger"
            onClick={() => resolveImport('replace')}
            title="The new file takes its place; your edits to its cells are kept (Reset chapter puts back the file's code)"
          >
            Replace it
          </button>
          <button type="button" className="cell__button" onClick={() => resolveImport('keepBoth')}>
            Keep both
          </button>
        </p>
      </ShellDialog>
    );
  }
  return (
    <ShellDialog
      open={state.kind === 'failed'}
      onClose={dismissImport}
      title={state.kind === 'failed' ? `${state.fileName} was not imported` : 'Import'}
      className="import-dialog"
    >
      {state.kind === 'failed' && <p role="alert">{state.message}</p>}
    </ShellDialog>
  );
}
