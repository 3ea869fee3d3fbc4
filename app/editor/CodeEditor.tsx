import { useCallback, type KeyboardEvent } from 'react';
import { performRunKey, runKeyAction } from './keymap';
import './editor.css';

/** What a cell's editor needs from its cell. */
export interface CodeEditorProps {
  /** The cell's id: names the editor's model, so the editor's type checker knows the cell. */
  readonly cellId: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** Ctrl+Enter (Cmd+Enter): run the cell. */
  readonly onRun: () => void;
  /** Shift+Enter: run the cell and move to the next; falls back to `onRun`. */
  readonly onRunAndAdvance?: () => void;
  readonly ariaLabel: string;
  readonly readOnly?: boolean;
}

/** A cell's code editor. */
export function CodeEditor(props: CodeEditorProps) {
  return <PlainCodeEditor {...props} />;
}

/** The plain textarea editor: the fallback when the full editor cannot load. */
export function PlainCodeEditor({
  value,
  onChange,
  onRun,
  onRunAndAdvance,
  ariaLabel,
  readOnly = false,
}: CodeEditorProps) {
  const rows = Math.max(1, value.split('\n').length);
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLTextAreaElement>) => {
      if (performRunKey(runKeyAction(event), { onRun, onRunAndAdvance })) event.preventDefault();
    },
    [onRun, onRunAndAdvance],
  );
  return (
    <textarea
      className="code-editor__plain"
      aria-label={ariaLabel}
      value={value}
      rows={rows}
      readOnly={readOnly}
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}
