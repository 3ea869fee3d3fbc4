import { useEffect, useRef, useState } from 'react';
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
  const dialog = useRef<HTMLDialogElement>(null);
  const open = state.kind !== 'idle';
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  const close = () => (state.kind === 'conflict' ? resolveImport('cancel') : dismissImport());
  return (
    <dialog
      ref={dialog}
      className="shell-dialog import-dialog"
      aria-label={state.kind === 'failed' ? 'Import failed' : 'Import a chapter'}
      onCancel={close}
    >
      <div className="shell-dialog__content">
        {state.kind === 'conflict' && (
          <>
            <h2 className="shell-dialog__title">You already have this chapter</h2>
            <p>
              <strong>{state.plan.entry.fileName}</strong> is “{state.plan.entry.title}”, like your
              chapter “{state.plan.conflict!.title}” ({state.plan.conflict!.fileName}, imported{' '}
              {new Date(state.plan.conflict!.importedAt).toLocaleString()}).
            </p>
            <p className="import-dialog__actions">
              <button
                type="button"
                className="cell__button cell__button--danger"
                onClick={() => resolveImport('replace')}
                title="The new file takes its place; your edits to the old one are dropped"
              >
                Replace it
              </button>
              <button
                type="button"
                className="cell__button"
                onClick={() => resolveImport('keepBoth')}
              >
                Keep both
              </button>
              <button
                type="button"
                className="cell__button cell__button--quiet"
                onClick={() => resolveImport('cancel')}
              >
                Cancel
              </button>
            </p>
          </>
        )}
        {state.kind === 'failed' && (
          <>
            <h2 className="shell-dialog__title">{state.fileName} was not imported</h2>
            <p role="alert">{state.message}</p>
            <p className="import-dialog__actions">
              <button type="button" className="cell__button" onClick={dismissImport}>
                OK
              </button>
            </p>
          </>
        )}
      </div>
    </dialog>
  );
}
