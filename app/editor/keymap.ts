/**
 * The cell editor's run keys, as a pure function so the textarea fallback and Monaco agree and
 * tests can check the mapping without a DOM.
 */

/** The parts of a key event the run keys look at. */
export interface RunKeyEvent {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}

/** What a key press asks the cell to do: run and move on, run in place, or nothing. */
export type RunKeyAction = 'runAndAdvance' | 'run' | null;

/** Shift+Enter runs the cell and moves on; Ctrl+Enter (Cmd+Enter on a Mac) runs it in place. */
export function runKeyAction(event: RunKeyEvent): RunKeyAction {
  if (event.key !== 'Enter' || event.altKey) return null;
  if (event.shiftKey && !event.ctrlKey && !event.metaKey) return 'runAndAdvance';
  if ((event.ctrlKey || event.metaKey) && !event.shiftKey) return 'run';
  return null;
}

/** Calls the handler a run key asks for; true when the key was a run key. */
export function performRunKey(
  action: RunKeyAction,
  handlers: { readonly onRun: () => void; readonly onRunAndAdvance?: (() => void) | undefined },
): boolean {
  if (action === null) return false;
  if (action === 'runAndAdvance') (handlers.onRunAndAdvance ?? handlers.onRun)();
  else handlers.onRun();
  return true;
}
