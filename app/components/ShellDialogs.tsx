/**
 * The shell's two dialogs: the compact table of contents (reachable from every page, by the
 * header's Contents button or the `t` and `/` keys) and the keyboard shortcuts. Native <dialog>
 * elements, so focus stays inside while open and Escape closes them; their open state lives in
 * the ui slice so the keyboard shortcuts and the header open the same dialog.
 */
import type { ReactNode } from 'react';
import { Suspense, use, useEffect, useRef } from 'react';
import { loadChapterIndex } from '../chapters/loadChapters';
import { SHORTCUTS } from '../routing/keyboardShortcuts';
import { useRoute } from '../routing/router';
import type { AppState } from '../store/appStore';
import { appStore, useAppStore } from '../store/appStore';
import { CourseContents } from './CourseContents';

const selectTocOpen = (state: AppState) => state.tocOpen;
const selectHelpOpen = (state: AppState) => state.keyboardHelpOpen;
const closeToc = () => appStore.getState().setTocOpen(false);
const closeHelp = () => appStore.getState().setKeyboardHelpOpen(false);

export function ShellDialogs() {
  const tocOpen = useAppStore(selectTocOpen);
  const helpOpen = useAppStore(selectHelpOpen);
  return (
    <>
      <ShellDialog open={tocOpen} onClose={closeToc} title="Contents" className="contents-dialog">
        {tocOpen && (
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <DialogContents />
          </Suspense>
        )}
      </ShellDialog>
      <ShellDialog
        open={helpOpen}
        onClose={closeHelp}
        title="Keyboard shortcuts"
        className="keyboard-dialog"
      >
        <dl className="keyboard-help">
          {SHORTCUTS.map((shortcut) => (
            <div key={shortcut.action} className="keyboard-help__row">
              <dt>
                {shortcut.keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 && ' or '}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{shortcut.does}</dd>
            </div>
          ))}
          <div className="keyboard-help__row">
            <dt>
              <kbd>Esc</kbd>
            </dt>
            <dd>Close this dialog or the contents</dd>
          </div>
        </dl>
        <p className="keyboard-help__note">
          These keys do nothing while you type in a cell or a text field, so they never get in the
          way of your code.
        </p>
      </ShellDialog>
    </>
  );
}

function DialogContents() {
  const chapters = use(loadChapterIndex());
  const route = useRoute();
  return (
    <CourseContents
      chapters={chapters}
      currentSlug={route.name === 'chapter' ? route.slug : undefined}
      compact
      onFollow={closeToc}
    />
  );
}

/** A modal native <dialog> with a title bar and Close; Escape, Close and the backdrop close it. */
export function ShellDialog({
  open,
  onClose,
  title,
  className,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  className: string;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className={`shell-dialog ${className}`}
      aria-label={title}
      // The store, not the browser, closes the dialog: on Escape (`cancel`) the browser would
      // close it at once, before React has drawn the closed state, and a shortcut that reopens
      // it in that moment would leave the store saying "open" with nothing to redraw.
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClose={(event) => {
        // `close` is a task of its own: a key that reopened the dialog meanwhile makes it stale.
        if (!event.currentTarget.open) onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, outside its content) closes it.
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="shell-dialog__content">
        <div className="shell-dialog__bar">
          <h2 className="shell-dialog__title">{title}</h2>
          <button type="button" className="shell-dialog__close" onClick={onClose}>
            Close
          </button>
        </div>
        {children}
      </div>
    </dialog>
  );
}
